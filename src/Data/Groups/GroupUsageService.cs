using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Groups;

/// <summary>Today's usage against every effective daily limit of a group.</summary>
public sealed class GroupUsageService(IDbContextFactory<FrontierDbContext> dbFactory, TimeProvider time)
{
    public async Task<GroupUsageView> GetAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await GroupService.FindOrThrowAsync(db, id, ct);
        var chain = await GroupTree.ChainAsync(db, group, null, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var resetAt = today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var chainIds = chain.ConvertAll(g => g.Id);
        var counters = await db.DailyUsage.AsNoTracking()
            .Where(u => u.Day == today && chainIds.Contains(u.GroupId)).ToListAsync(ct);

        var usage = new Dictionary<string, IReadOnlyList<UsageLimitView>>(StringComparer.Ordinal);
        foreach (var model in EffectiveModels.Compute(chain))
        {
            usage[model.Slug] = model.Limits.Where(l => l.Kind == LimitKind.Usage).Select(limit =>
            {
                // INDEPENDENT meters each group alone; a CASCADING limit is the pool of its source group.
                var meteredGroup = group.Enforcement == LimitEnforcement.Cascading ? limit.SourceGroupId : group.Id;
                var counter = counters.Find(c => c.GroupId == meteredGroup && c.Slug == model.Slug && c.Type == limit.Type);
                return new UsageLimitView(WireNames.Of(limit.Type), WireNames.Of(limit.Unit), limit.Threshold,
                    counter?.Value, counter is null ? null : resetAt, limit.SourceGroupId);
            }).ToList();
        }
        return new GroupUsageView(group.ExternalEntityId, usage);
    }
}
