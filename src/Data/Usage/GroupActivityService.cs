using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Usage;

/// <summary>A group's own calls today (UTC) and their tokens (input + output).</summary>
public sealed record GroupToday(long Requests, long Tokens);

/// <summary>
/// Today's calls and tokens of every group, for the group tree: each group's own keys' completed calls (its usage
/// events), not its descendants'; refused and failed calls have no event and do not count.
/// </summary>
public sealed class GroupActivityService(IDbContextFactory<FrontierDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<string, GroupToday>> TodayAsync(CancellationToken ct = default)
    {
        var since = time.GetUtcNow().UtcDateTime.Date;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.UsageEvents.AsNoTracking().Where(e => e.Timestamp >= since)
            .GroupBy(e => e.GroupId)
            .Select(g => new { g.Key, Requests = g.LongCount(), Tokens = g.Sum(e => e.InputTokens + e.OutputTokens) })
            .ToDictionaryAsync(g => g.Key, g => new GroupToday(g.Requests, g.Tokens), StringComparer.Ordinal, ct);
    }
}
