using FrontierGateway.Portal.Components.Pages.Billing;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Billing;

public sealed class EventsCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("{\"k\":\"v\",\"n\":1}", "\"{\"\"k\"\":\"\"v\"\",\"\"n\"\":1}\"")]
    public void Field_QuotesAndDefusesFormulas(string value, string expected) =>
        Assert.Equal(expected, EventsCsv.Field(value));
}
