using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;

namespace FrontierGateway.Tests.Unit.Data;

public sealed class ModelParserTests
{
    private static List<ModelInput?> One(List<LimitInput?>? rate = null, List<LimitInput?>? usage = null, string slug = "a/b") =>
        [new ModelInput(slug, rate, usage)];

    [Fact]
    public void Parse_ValidModel_KeepsEveryLimit()
    {
        var sut = ModelParser.Parse(One([new("TOKEN", "MINUTE", 10), new("REQUEST", "SECOND", 2)], [new("TOKEN", "DAY", 99)]), "g");

        Assert.Equal(3, sut[0].Limits.Count);
        Assert.Contains(sut[0].Limits, l => l is { Kind: LimitKind.Usage, Type: LimitType.Token, Unit: LimitUnit.Day, Threshold: 99 });
    }

    [Theory]
    [InlineData("HOUR", 1L, "models[0].rate_limits[0].unit")]
    [InlineData("DAY", 1L, "models[0].rate_limits[0].unit")]
    [InlineData("MINUTE", 0L, "models[0].rate_limits[0].threshold")]
    [InlineData("MINUTE", -5L, "models[0].rate_limits[0].threshold")]
    [InlineData("MINUTE", null, "models[0].rate_limits[0].threshold")]
    [InlineData("minute", 1L, "models[0].rate_limits[0].unit")]
    public void Parse_BadRateLimit_NamesTheField(string unit, long? threshold, string param)
    {
        var sut = Assert.Throws<DomainException>(() => ModelParser.Parse(One([new("TOKEN", unit, threshold)]), "g"));

        Assert.Equal(param, sut.Param);
        Assert.Equal(400, sut.Status);
    }

    [Fact]
    public void Parse_TwoRateLimitsOfOneType_IsADuplicate()
    {
        var sut = Assert.Throws<DomainException>(() =>
            ModelParser.Parse(One([new("TOKEN", "MINUTE", 1), new("TOKEN", "SECOND", 1)]), "g"));

        Assert.Equal("models[0].rate_limits[1]", sut.Param);
        Assert.Equal("duplicate", sut.Code);
    }

    [Fact]
    public void Parse_UsageLimitNotPerDay_Refused()
    {
        var sut = Assert.Throws<DomainException>(() => ModelParser.Parse(One(usage: [new("REQUEST", "MINUTE", 1)]), "g"));

        Assert.Equal("models[0].usage_limits[0].unit", sut.Param);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-slash")]
    [InlineData("a/b/c")]
    [InlineData("/b")]
    [InlineData("a/b\n")]
    public void Parse_BadSlug_Refused(string slug)
    {
        var sut = Assert.Throws<DomainException>(() => ModelParser.Parse(One(slug: slug), "g"));

        Assert.Equal("models[0].slug", sut.Param);
    }

    [Fact]
    public void Parse_SlugListedTwice_Refused()
    {
        var sut = Assert.Throws<DomainException>(() =>
            ModelParser.Parse([new ModelInput("a/b", null, null), new ModelInput("a/b", null, null)], "g"));

        Assert.Equal("models[1].slug", sut.Param);
    }
}
