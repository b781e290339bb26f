using System.Collections.Frozen;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Usage;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>Turns a group's effective models into the counters its calls are checked against.</summary>
internal static class PolicyBuilder
{
    /// <param name="chain">The group first, then its ancestors up to the root.</param>
    public static GroupPolicy Build(IReadOnlyList<Group> chain)
    {
        var group = chain[0];
        var root = chain[^1].Id;
        var dailyGroups = DailyCounters.GroupsOf(chain);
        var models = EffectiveModels.Compute(chain);
        var slugs = models.ToFrozenDictionary(m => m.Slug, m => new SlugPolicy(m.Slug,
            [.. m.Limits.Select(l => new LimitRule(l.Type, l.Unit, l.Threshold, l.SourceGroupId,
                new CounterKey(DailyCounters.MeteredOn(group, l), m.Slug, l.Type, l.Unit)))],
            dailyGroups, root), StringComparer.Ordinal);
        return new GroupPolicy(group.Id, group.ExternalEntityId, slugs, [.. models.Select(m => m.Slug)], root);
    }
}
