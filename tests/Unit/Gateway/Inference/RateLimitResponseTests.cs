using FrontierGateway.Gateway.Inference;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

public sealed class RateLimitResponseTests
{
    [Theory]
    [InlineData(0, "0ms")]
    [InlineData(20, "20ms")]
    [InlineData(19.2, "20ms")]
    [InlineData(999.5, "1000ms")]
    [InlineData(1000, "1s")]
    [InlineData(1000.5, "2s")]
    [InlineData(59_000, "59s")]
    [InlineData(60_000, "1m0s")]
    [InlineData(360_000, "6m0s")]
    [InlineData(3_599_000, "59m59s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(7_380_000, "2h3m0s")]
    public void Duration_AnySpan_OpenAISpelling_SameOnTheSecondCall(double milliseconds, string expected)
    {
        var span = TimeSpan.FromMilliseconds(milliseconds);

        Assert.Equal((expected, expected), (RateLimitResponse.Duration(span), RateLimitResponse.Duration(span)));
    }
}
