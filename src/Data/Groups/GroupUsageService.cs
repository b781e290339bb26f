using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Usage;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Groups;

/// <summary>Today's usage against every effective daily limit of a group.</summary>
public sealed class GroupUsageService(IDbContextFactory<FrontierDbContext> dbFactory, IDailyUsageSource usage,
    TimeProvider time)
{
    public async Task<GroupUsageView> GetAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await GroupService.FindOrThrowAsync(db, id, ct);
        var chain = await GroupTree.ChainAsync(db, group, null, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var resetAt = today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var result = new Dictionary<string, IReadOnlyList<UsageLimitView>>(StringComparer.Ordinal);
        foreach (var model in EffectiveModels.Compute(chain))
        {
            var views = new List<UsageLimitView>();
            foreach (var limit in model.Limits.Where(l => l.Kind == LimitKind.Usage))
            {
                var current = await usage.ReadAsync(DailyCounters.MeteredOn(group, limit), model.Slug, limit.Type, today, ct);
                views.Add(new UsageLimitView(limit.Type, limit.Unit, limit.Threshold,
                    current, current is null ? null : resetAt, limit.SourceGroupId));
            }
            result[model.Slug] = views;
        }
        return new GroupUsageView(group.ExternalEntityId, result);
    }
}
