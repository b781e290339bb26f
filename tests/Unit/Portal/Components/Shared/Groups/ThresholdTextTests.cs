using FrontierGateway.Portal.Components.Shared.Groups;

namespace FrontierGateway.Tests.Unit.Portal.Components.Shared.Groups;

public sealed class ThresholdTextTests
{
    [Theory]
    [InlineData("1000", 1_000L)]
    [InlineData("1,000", 1_000L)]
    [InlineData("1,234,567", 1_234_567L)]
    [InlineData("2K", 2_000L)]
    [InlineData(" 2k ", 2_000L)]
    [InlineData("1.5M", 1_500_000L)]
    [InlineData("1.5 m", 1_500_000L)]
    [InlineData("1.25K", 1_250L)]
    [InlineData("3B", 3_000_000_000L)]
    [InlineData("2.0", 2L)]
    [InlineData("1", 1L)]
    public void TryParse_Accepted_GivesTheNumber(string text, long expected)
    {
        var parsed = ThresholdText.TryParse(text, out var sut);

        Assert.True(parsed);
        Assert.Equal(expected, sut);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0K")]
    [InlineData("-5")]
    [InlineData("-1K")]
    [InlineData("1.5")]
    [InlineData("1.0001K")]
    [InlineData("0.5")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("K")]
    [InlineData("1,00")]
    [InlineData("1.5MB")]
    [InlineData("1e6")]
    [InlineData("99999999999B")]
    [InlineData("99999999999999999999")]
    public void TryParse_Rejected_IsFalse(string? text)
    {
        var sut = ThresholdText.TryParse(text, out var value);

        Assert.False(sut);
        Assert.Equal(0, value);
    }

    [Theory]
    [InlineData(1L, "1")]
    [InlineData(1_500_000L, "1,500,000")]
    [InlineData(3_000_000_000L, "3,000,000,000")]
    public void Format_Number_HasThousandsSeparators(long value, string expected)
    {
        var sut = ThresholdText.Format(value);

        Assert.Equal(expected, sut);
        Assert.True(ThresholdText.TryParse(sut, out var back) && back == value);
    }
}
