namespace FrontierGateway.Gateway.Metering;

/// <summary>What the live view shows: the workspace (both null), a group, a slug, or a group's slug.</summary>
public sealed record LiveFilter(string? GroupId = null, string? Slug = null)
{
    public static readonly LiveFilter Workspace = new();
}

/// <summary>The headline numbers: requests/s over the last 10 s, the rest over the last minute.</summary>
public readonly record struct LiveTotals(double RequestsPerSecond, long TokensPerMinute, long RefusedPerMinute,
    long FailedPerMinute, double? P50Ms, double? P99Ms);

/// <summary>
/// One value per second from <see cref="Start"/> (unix seconds): calls (admitted or refused) in that second;
/// tokens, 429s and failures in the minute ending with it; latency percentiles of the 10 seconds ending with it.
/// </summary>
public sealed record LiveView(long Start, long[] Requests, long[] TokensPerMinute, long[] RefusedPerMinute,
    long[] FailedPerMinute, double?[] P50Ms, double?[] P99Ms, LiveTotals Totals)
{
    public const int RateSeconds = 10;
    public const int LatencySeconds = 10;

    public int Seconds => Requests.Length;

    /// <param name="series">The series to show; several (hosts) are added up second by second.</param>
    internal static LiveView Build(ReadOnlySpan<LiveSeries?> series, long end, int seconds)
    {
        var start = end - seconds + 1;
        // Each second is read once, from the minute before the first one so that every rolling sum is full.
        var first = start - LiveUsage.RollingSeconds + 1;
        var slots = new LiveSeries.Slot?[end - first + 1];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = Read(series, first + i);
        }
        var requests = new long[seconds];
        var tokens = new long[seconds];
        var refused = new long[seconds];
        var failed = new long[seconds];
        var p50 = new double?[seconds];
        var p99 = new double?[seconds];
        var histogram = new long[LatencyBuckets.Count];
        long tokenWindow = 0, refusedWindow = 0, failedWindow = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            var leaving = i >= LiveUsage.RollingSeconds ? slots[i - LiveUsage.RollingSeconds] : null;
            tokenWindow += (slots[i]?.Tokens ?? 0) - (leaving?.Tokens ?? 0);
            refusedWindow += (slots[i]?.Refused ?? 0) - (leaving?.Refused ?? 0);
            failedWindow += (slots[i]?.Failed ?? 0) - (leaving?.Failed ?? 0);
            var at = i - (LiveUsage.RollingSeconds - 1);
            if (at < 0)
            {
                continue;
            }
            requests[at] = slots[i]?.Requests ?? 0;
            tokens[at] = tokenWindow;
            refused[at] = refusedWindow;
            failed[at] = failedWindow;
            Merge(slots.AsSpan(i + 1 - LatencySeconds, LatencySeconds), histogram);
            p50[at] = LatencyBuckets.Percentile(histogram, 0.50);
            p99[at] = LatencyBuckets.Percentile(histogram, 0.99);
        }
        long recent = 0;
        foreach (var slot in slots.AsSpan(slots.Length - RateSeconds))
        {
            recent += slot?.Requests ?? 0;
        }
        Merge(slots.AsSpan(slots.Length - LiveUsage.RollingSeconds), histogram);
        var totals = new LiveTotals(recent / (double)RateSeconds, tokenWindow, refusedWindow, failedWindow,
            LatencyBuckets.Percentile(histogram, 0.50), LatencyBuckets.Percentile(histogram, 0.99));
        return new LiveView(start, requests, tokens, refused, failed, p50, p99, totals);
    }

    /// <summary>One second of the series: the slot itself when one series has it, else the sum of theirs.</summary>
    private static LiveSeries.Slot? Read(ReadOnlySpan<LiveSeries?> series, long second)
    {
        LiveSeries.Slot? found = null, sum = null;
        foreach (var one in series)
        {
            if (one?.Read(second) is not { } slot)
            {
                continue;
            }
            if (found is null)
            {
                found = slot;
                continue;
            }
            if (sum is null)
            {
                sum = new LiveSeries.Slot();
                LiveSeries.AddTo(sum, found);
            }
            LiveSeries.AddTo(sum, slot);
        }
        return sum ?? found;
    }

    /// <summary>Sets <paramref name="histogram"/> to the latencies of <paramref name="slots"/> together.</summary>
    private static void Merge(ReadOnlySpan<LiveSeries.Slot?> slots, long[] histogram)
    {
        Array.Clear(histogram);
        foreach (var slot in slots)
        {
            if (slot is null)
            {
                continue;
            }
            for (var bucket = 0; bucket < histogram.Length; bucket++)
            {
                histogram[bucket] += slot.Latency[bucket];
            }
        }
    }
}
