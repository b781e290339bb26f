using FrontierGateway.Gateway.Metering;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

public sealed class LatencyBucketsTests
{
    [Theory]
    [InlineData(0.05, 0)]
    [InlineData(0.1, 1)]
    [InlineData(0.14, 1)]
    [InlineData(0.15, 2)]
    [InlineData(0.2, 3)]
    [InlineData(1_000, 27)]
    [InlineData(100_000_000, LatencyBuckets.Count - 1)]
    public void Of_Latency_FallsInTheBucketWhoseBoundsHoldIt(double ms, int expected)
    {
        var sut = LatencyBuckets.Of(TimeSpan.FromMilliseconds(ms));

        Assert.Equal(expected, sut);
        if (expected < LatencyBuckets.Count - 1)
        {
            Assert.InRange(ms, LatencyBuckets.LowerBoundMs(sut), LatencyBuckets.UpperBoundMs(sut));
        }
    }

    [Fact]
    public void Percentile_EmptyHistogram_IsNull()
    {
        Assert.Null(LatencyBuckets.Percentile(new long[LatencyBuckets.Count], 0.5));
    }
}
