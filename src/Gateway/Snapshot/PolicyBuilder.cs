using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Usage;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>Turns a group's effective models into the counters its calls are checked against.</summary>
internal static class PolicyBuilder
{
    /// <param name="chain">The group first, then its ancestors up to the root.</param>
    /// <remarks>Loops rather than LINQ: a snapshot's whole read builds every group's policy (100,000 at the bench's size).</remarks>
    public static GroupPolicy Build(IReadOnlyList<Group> chain)
    {
        var group = chain[0];
        var root = chain[^1].Id;
        var dailyGroups = DailyCounters.GroupsOf(chain);
        var models = EffectiveModels.Compute(chain);
        var slugs = new SlugPolicy[models.Count];
        for (var i = 0; i < slugs.Length; i++)
        {
            var (slug, limits) = models[i];
            var rules = new LimitRule[limits.Count];
            for (var j = 0; j < rules.Length; j++)
            {
                var limit = limits[j];
                rules[j] = new LimitRule(limit.Type, limit.Unit, limit.Threshold, limit.SourceGroupId,
                    new CounterKey(DailyCounters.MeteredOn(group, limit), slug, limit.Type, limit.Unit));
            }
            slugs[i] = new SlugPolicy(slug, rules, dailyGroups, root);
        }
        return new GroupPolicy(group.Id, group.ExternalEntityId, slugs, root);
    }
}
