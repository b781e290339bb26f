using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Groups;

public sealed record EffectiveLimit(LimitKind Kind, LimitType Type, LimitUnit Unit, long Threshold, string SourceGroupId);

public sealed record EffectiveModel(string Slug, IReadOnlyList<EffectiveLimit> Limits);

/// <summary>Resolves the limits that apply to a group from its chain of ancestors.</summary>
public static class EffectiveModels
{
    /// <param name="chain">The group first, then its parent, up to the root; each with models and limits loaded.</param>
    /// <remarks>
    /// INDEPENDENT: per (slug, type, unit) the nearest declaration wins.
    /// CASCADING: every limit along the chain applies at once, each a pool of its source group.
    /// In both modes a slug declared by any ancestor may be called.
    /// </remarks>
    public static List<EffectiveModel> Compute(IReadOnlyList<Group> chain)
    {
        var cascading = chain[0].Enforcement == LimitEnforcement.Cascading;
        var order = new List<string>();
        var bySlug = new Dictionary<string, List<EffectiveLimit>>(StringComparer.Ordinal);
        foreach (var group in chain)
        {
            foreach (var model in group.Models)
            {
                if (!bySlug.TryGetValue(model.Slug, out var limits))
                {
                    bySlug[model.Slug] = limits = [];
                    order.Add(model.Slug);
                }
                foreach (var limit in model.Limits)
                {
                    if (cascading || !Declares(limits, limit.Type, limit.Unit))
                    {
                        limits.Add(new EffectiveLimit(limit.Kind, limit.Type, limit.Unit, limit.Threshold, group.Id));
                    }
                }
            }
        }
        return order.ConvertAll(slug => new EffectiveModel(slug, bySlug[slug]));
    }

    /// <summary>Whether a nearer group already declared this (type, unit): a loop, as a snapshot's whole read runs it for every limit of every group.</summary>
    private static bool Declares(List<EffectiveLimit> limits, LimitType type, LimitUnit unit)
    {
        foreach (var limit in limits)
        {
            if (limit.Type == type && limit.Unit == unit)
            {
                return true;
            }
        }
        return false;
    }
}
