using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Usage;

/// <summary>How far back a usage history goes, and how finely.</summary>
public enum UsageHistoryRange
{
    /// <summary>The last 60 minutes, one bucket a minute.</summary>
    LastHour,

    /// <summary>The last 24 hours, one bucket an hour.</summary>
    LastDay,
}

/// <summary>The calls of one bucket and their tokens (input + output); <see cref="Start"/> is UTC.</summary>
public sealed record UsageBucket(DateTime Start, long Requests, long Tokens);

/// <summary>A group's stored usage over time, from its usage events (completed calls only).</summary>
public sealed class UsageHistoryService(IDbContextFactory<FrontierDbContext> dbFactory, TimeProvider time)
{
    /// <summary>
    /// Every bucket of the range, oldest first, empty ones included; the last bucket is the current, partial one.
    /// </summary>
    public async Task<IReadOnlyList<UsageBucket>> GetAsync(string groupId, UsageHistoryRange range,
        CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var (step, count) = range == UsageHistoryRange.LastHour ? (TimeSpan.FromMinutes(1), 60) : (TimeSpan.FromHours(1), 24);
        var first = new DateTime(now.Ticks - now.Ticks % step.Ticks, DateTimeKind.Utc) - step * (count - 1);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var events = db.UsageEvents.AsNoTracking().Where(e => e.GroupId == groupId && e.Timestamp >= first);
        // Grouped in the database by calendar parts, which SQLite and PostgreSQL both translate.
        var rows = range == UsageHistoryRange.LastHour
            ? await events.GroupBy(e => new { e.Timestamp.Year, e.Timestamp.Month, e.Timestamp.Day, e.Timestamp.Hour, e.Timestamp.Minute })
                .Select(g => new Row(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour, g.Key.Minute, g.Count(),
                    g.Sum(e => e.InputTokens + e.OutputTokens)))
                .ToListAsync(ct)
            : await events.GroupBy(e => new { e.Timestamp.Year, e.Timestamp.Month, e.Timestamp.Day, e.Timestamp.Hour })
                .Select(g => new Row(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour, 0, g.Count(),
                    g.Sum(e => e.InputTokens + e.OutputTokens)))
                .ToListAsync(ct);
        var byStart = rows.ToDictionary(r => new DateTime(r.Year, r.Month, r.Day, r.Hour, r.Minute, 0, DateTimeKind.Utc));
        return Enumerable.Range(0, count)
            .Select(i => first + step * i)
            .Select(start => byStart.TryGetValue(start, out var r) ? new UsageBucket(start, r.Requests, r.Tokens) : new UsageBucket(start, 0, 0))
            .ToList();
    }

    private sealed record Row(int Year, int Month, int Day, int Hour, int Minute, int Requests, long Tokens);
}
