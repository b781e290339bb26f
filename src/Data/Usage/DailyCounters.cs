using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Usage;

/// <summary>
/// Which counters a call adds to and which one each limit is checked against; how the daily ones are rebuilt from
/// the stored events.
/// </summary>
public static class DailyCounters
{
    /// <summary>
    /// The groups whose daily counters a call by <c>chain[0]</c> adds to: INDEPENDENT meters each group alone;
    /// CASCADING adds every call to every ancestor's pool too.
    /// </summary>
    /// <param name="chain">The group first, then its ancestors.</param>
    public static string[] GroupsOf(IReadOnlyList<Group> chain)
    {
        if (chain[0].Enforcement != LimitEnforcement.Cascading)
        {
            return [chain[0].Id];
        }
        var ids = new string[chain.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = chain[i].Id;
        }
        return ids;
    }

    /// <summary>
    /// The group whose counter a limit of <paramref name="group"/>'s effective models is metered on, for rate windows
    /// and daily limits alike: INDEPENDENT meters each group alone; a CASCADING limit is the pool of the group that
    /// set it, which <see cref="GroupsOf"/> makes every call below it add to.
    /// </summary>
    public static string MeteredOn(Group group, EffectiveLimit limit) =>
        group.Enforcement == LimitEnforcement.Cascading ? limit.SourceGroupId : group.Id;

    /// <summary>
    /// Raises the daily counters that calls of (group, slug, day) add to, to at least what the stored events of that
    /// day add up to. The persisted counters trail the events by a batch, so after a crash the events are the
    /// floor; a counter already higher (it also counts admitted calls that failed) keeps its value.
    /// </summary>
    public static async Task RaiseToEventsAsync(FrontierDbContext db, IEnumerable<(string GroupId, string Slug, DateOnly Day)> calls,
        DateTime now, CancellationToken ct)
    {
        // Every group of every chain, loaded once: many calls share a group, and groups share ancestors.
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        var counters = new HashSet<(string GroupId, string Slug, DateOnly Day)>();
        foreach (var (groupId, slug, day) in calls.Distinct())
        {
            if (!groups.TryGetValue(groupId, out var group))
            {
                if (await GroupTree.FindAsync(db, groupId, ct) is not { } found)
                {
                    continue;
                }
                groups[groupId] = group = found;
            }
            foreach (var counted in GroupsOf(await GroupTree.ChainAsync(db, group, groups, ct)))
            {
                counters.Add((counted, slug, day));
            }
        }
        foreach (var (groupId, slug, day) in counters)
        {
            var group = groups[groupId];
            List<string> members = group.Enforcement == LimitEnforcement.Cascading
                ? [groupId, .. (await GroupTree.DescendantsAsync(db, groupId, ct)).Select(g => g.Id)]
                : [groupId];
            var from = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var events = db.UsageEvents.Where(e => members.Contains(e.GroupId) && e.ModelSlug == slug
                && e.Timestamp >= from && e.Timestamp < from.AddDays(1));
            var requests = await events.LongCountAsync(ct);
            var tokens = await events.SumAsync(e => e.InputTokens + e.OutputTokens, ct);
            await RaiseAsync(db, new DailyUsage { GroupId = groupId, Slug = slug, Type = LimitType.Request, Day = day, Value = requests, UpdatedAt = now }, ct);
            await RaiseAsync(db, new DailyUsage { GroupId = groupId, Slug = slug, Type = LimitType.Token, Day = day, Value = tokens, UpdatedAt = now }, ct);
        }
        await db.SaveChangesAsync(ct);
    }

    private static async Task RaiseAsync(FrontierDbContext db, DailyUsage floor, CancellationToken ct)
    {
        var row = await db.DailyUsage.FindAsync([floor.GroupId, floor.Slug, floor.Type, floor.Day], ct);
        if (row is null)
        {
            if (floor.Value > 0)
            {
                db.DailyUsage.Add(floor);
            }
        }
        else if (row.Value < floor.Value)
        {
            row.Value = floor.Value;
            row.UpdatedAt = floor.UpdatedAt;
        }
    }
}
