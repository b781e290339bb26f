using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Requests;

/// <summary>A slug's last error: when, its status, and the gateway's short code for it.</summary>
public sealed record LastError(DateTime At, int Status, string? Code);

/// <summary>
/// A slug's calls over the window: admitted ones only (a 429 is the caller's limit, not the endpoint's health). An
/// error is a 5xx (upstream errors, 502 unreachable, 504 timeout); latency from arrival to the response's end.
/// </summary>
public sealed record EndpointHealth(string Slug, long Calls, long Errors, double? P50Ms, double? P99Ms, LastError? LastError)
{
    public double ErrorRate => Calls == 0 ? 0 : (double)Errors / Calls;
}

/// <summary>Each endpoint's health from the request log: error rate and latency over the last hour, and the last error kept.</summary>
public sealed class EndpointHealthService(IDbContextFactory<FrontierDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Latencies read per window at most (the newest): enough for a stable p99, bounded for a busy gateway.</summary>
    public const int MaxSamples = 50_000;

    public async Task<IReadOnlyDictionary<string, EndpointHealth>> GetAsync(TimeSpan window, CancellationToken ct = default)
    {
        var since = time.GetUtcNow().UtcDateTime - window;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = db.RequestLog.AsNoTracking().Where(r => r.Timestamp >= since && r.Status != 429 && r.Error != "limits_unavailable");
        // A metered call's row is its usage event (LoggedCalls): admitted, answered, never an error.
        var metered = db.UsageEvents.AsNoTracking().Where(e => e.Status != null && e.Timestamp >= since);
        var counts = await admitted.GroupBy(r => r.Slug)
            .Select(g => new { Slug = g.Key, Calls = g.LongCount(), Errors = g.LongCount(r => r.Status >= 500) })
            .ToListAsync(ct);
        var meteredCounts = await metered.GroupBy(e => e.ModelSlug)
            .Select(g => new { Slug = g.Key, Calls = g.LongCount() })
            .ToDictionaryAsync(g => g.Slug, g => g.Calls, StringComparer.Ordinal, ct);
        var latest = (await admitted.OrderByDescending(r => r.Timestamp).Take(MaxSamples)
                .Select(r => new Sample(r.Slug, r.Timestamp, r.LatencyMicroseconds)).ToListAsync(ct))
            .Concat(await metered.OrderByDescending(e => e.Timestamp).Take(MaxSamples)
                .Select(e => new Sample(e.ModelSlug, e.Timestamp, e.LatencyMicroseconds ?? 0)).ToListAsync(ct));
        var samples = latest.OrderByDescending(r => r.At).Take(MaxSamples)
            .GroupBy(r => r.Slug)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Micros).Order().ToList(), StringComparer.Ordinal);
        // A failed call is never metered: its row is in the log's own table.
        var lastErrors = await db.RequestLog.AsNoTracking().Where(r => r.Status >= 500 && r.Error != "limits_unavailable")
            .GroupBy(r => r.Slug)
            .Select(g => g.OrderByDescending(r => r.Timestamp).Select(r => new { r.Slug, r.Timestamp, r.Status, r.Error }).First())
            .ToListAsync(ct);
        var result = new Dictionary<string, EndpointHealth>(StringComparer.Ordinal);
        foreach (var slug in counts.Select(c => c.Slug).Union(meteredCounts.Keys).Union(lastErrors.Select(e => e.Slug)))
        {
            var count = counts.Find(c => c.Slug == slug);
            var calls = (count?.Calls ?? 0) + meteredCounts.GetValueOrDefault(slug);
            var sorted = samples.GetValueOrDefault(slug);
            var last = lastErrors.Find(e => e.Slug == slug);
            result[slug] = new EndpointHealth(slug, calls, count?.Errors ?? 0,
                Percentile(sorted, 0.50), Percentile(sorted, 0.99),
                last is null ? null : new LastError(last.Timestamp, last.Status, last.Error));
        }
        return result;
    }

    private sealed record Sample(string Slug, DateTime At, long Micros);

    /// <summary>The nearest-rank percentile of ascending microseconds, in milliseconds; null with no samples.</summary>
    public static double? Percentile(IReadOnlyList<long>? ascending, double p)
    {
        if (ascending is not { Count: > 0 })
        {
            return null;
        }
        var rank = (int)Math.Ceiling(p * ascending.Count);
        return ascending[Math.Clamp(rank, 1, ascending.Count) - 1] / 1000.0;
    }
}
