namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Fixed logarithmic latency buckets, the same for every second and every series, so that histograms merge
/// by adding counts: bucket 0 holds calls under 0.1 ms, then each bucket is √2 wider than the last (a
/// percentile is off by at most ±19 %, less after interpolation), the last one holds everything above ~28 min.
/// </summary>
internal static class LatencyBuckets
{
    public const int Count = 50;

    private const double FirstBoundMs = 0.1;
    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>The bucket of a latency: a few floating-point operations, no logarithm.</summary>
    public static int Of(TimeSpan latency)
    {
        var ratio = latency.TotalMilliseconds / FirstBoundMs;
        if (!(ratio >= 1))
        {
            return 0;
        }
        var exponent = Math.ILogB(ratio);
        var upperHalf = Math.ScaleB(ratio, -exponent) >= Sqrt2 ? 1 : 0;
        return Math.Min(1 + 2 * exponent + upperHalf, Count - 1);
    }

    public static double LowerBoundMs(int bucket) => bucket == 0 ? 0 : FirstBoundMs * Math.Pow(2, (bucket - 1) / 2.0);

    public static double UpperBoundMs(int bucket) => FirstBoundMs * Math.Pow(2, bucket / 2.0);

    /// <summary>
    /// The <paramref name="quantile"/> (0–1) of a histogram, interpolated inside its bucket; null when it is empty.
    /// </summary>
    public static double? Percentile(ReadOnlySpan<long> histogram, double quantile)
    {
        long total = 0;
        foreach (var count in histogram)
        {
            total += count;
        }
        if (total == 0)
        {
            return null;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var bucket = 0; bucket < histogram.Length; bucket++)
        {
            var count = histogram[bucket];
            if (seen + count >= rank)
            {
                var lower = LowerBoundMs(bucket);
                // The ranks of a bucket's calls are spread evenly over its width: one call sits in the middle.
                var share = (rank - seen - 0.5) / count;
                return lower + (UpperBoundMs(bucket) - lower) * share;
            }
            seen += count;
        }
        return UpperBoundMs(histogram.Length - 1);
    }
}
