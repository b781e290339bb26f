using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Usage;

public sealed record NearLimitReport(IReadOnlyList<LimitPressure> Groups, IReadOnlyList<KeyPressure> Keys);

/// <summary>
/// Who is closest to a daily (usage) limit today: every live group's effective DAY limits against today's counters
/// (<see cref="IDailyUsageSource"/>: the live counters on a gateway host), and each key's share of them from today's
/// usage events. Rate limits (SECOND, MINUTE) refill within a minute; their pressure shows as refusals instead.
/// </summary>
public sealed class NearLimitService(IDbContextFactory<FrontierDbContext> dbFactory, IDailyUsageSource usage, TimeProvider time)
{
    public async Task<NearLimitReport> GetAsync(int top = 20, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await GroupTree.Live(db).AsNoTracking().AsSplitQuery().ToDictionaryAsync(g => g.Id, StringComparer.Ordinal, ct);
        var counters = new Dictionary<(string, string, LimitType, long), LimitPressure>();
        var limitsOf = new Dictionary<string, List<(string Slug, EffectiveLimit Limit)>>(StringComparer.Ordinal);
        foreach (var group in groups.Values)
        {
            var chain = GroupChain.Walk(group, g => g.ParentGroupId, groups);
            var own = limitsOf[group.Id] = [];
            foreach (var model in EffectiveModels.Compute(chain))
            {
                foreach (var limit in model.Limits.Where(l => l.Kind == LimitKind.Usage))
                {
                    own.Add((model.Slug, limit));
                    var meteredOn = DailyCounters.MeteredOn(group, limit);
                    // A CASCADING pool is one counter, however many groups below it share it.
                    var key = (meteredOn, model.Slug, limit.Type, limit.Threshold);
                    if (!counters.ContainsKey(key) && groups.TryGetValue(meteredOn, out var owner))
                    {
                        var used = await usage.ReadAsync(meteredOn, model.Slug, limit.Type, today, ct) ?? 0;
                        counters[key] = new LimitPressure(meteredOn, NameOf(owner), model.Slug, limit.Type, limit.Unit,
                            limit.Threshold, limit.SourceGroupId, used);
                    }
                }
            }
        }
        var ranked = NearLimits.Rank(counters.Values, top);
        var dayStart = today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var keyUse = await db.UsageEvents.AsNoTracking().Where(e => e.Timestamp >= dayStart)
            .GroupBy(e => new { e.ApiKeyPrefix, e.GroupId, e.ModelSlug })
            .Select(g => new { g.Key.ApiKeyPrefix, g.Key.GroupId, g.Key.ModelSlug, Requests = g.LongCount(),
                Tokens = g.Sum(e => e.InputTokens + e.OutputTokens) })
            .ToListAsync(ct);
        var prefixes = keyUse.Select(k => k.ApiKeyPrefix).Distinct().ToList();
        var keyNames = await db.CustomerApiKeys.AsNoTracking().Where(k => prefixes.Contains(k.Prefix))
            .ToDictionaryAsync(k => k.Prefix, k => k.Name, StringComparer.Ordinal, ct);
        var keys = from k in keyUse
                   where groups.ContainsKey(k.GroupId) && keyNames.ContainsKey(k.ApiKeyPrefix)
                   from l in limitsOf[k.GroupId]
                   where l.Slug == k.ModelSlug
                   select new KeyPressure(k.ApiKeyPrefix, keyNames[k.ApiKeyPrefix], k.GroupId, NameOf(groups[k.GroupId]),
                       k.ModelSlug, l.Limit.Type, l.Limit.Threshold, l.Limit.SourceGroupId,
                       l.Limit.Type == LimitType.Request ? k.Requests : k.Tokens);
        return new NearLimitReport(ranked, NearLimits.RankKeys(keys, top));
    }

    private static string NameOf(Group g) => g.Name ?? g.ExternalEntityId;
}
