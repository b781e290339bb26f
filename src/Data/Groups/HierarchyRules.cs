using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Groups;

/// <summary>The rules a tree of groups keeps: depth, one mode, and CASCADING thresholds.</summary>
public static class HierarchyRules
{
    public const int MaxDepth = 5;
    public const string ChildExceedsParent = "Child group exceeds parent group limit.";
    private const string ModeParam = "hierarchy.limit_enforcement";

    /// <summary>
    /// The mode of a new group: a tree has one mode, so an omitted <paramref name="requested"/> takes the
    /// parent's, or INDEPENDENT for a root (as upstream); a value that names no mode, or contradicts the parent's, is refused.
    /// </summary>
    public static LimitEnforcement ModeOf(string? requested, Group? parent)
    {
        var fallback = parent?.Enforcement ?? LimitEnforcement.Independent;
        if (requested is null)
        {
            return fallback;
        }
        var mode = WireNames.Parse<LimitEnforcement>(requested) ?? throw DomainException.Invalid(ModeParam,
            $"{ModeParam} must be one of {WireNames.List<LimitEnforcement>()} (or omitted); got \"{requested}\".");
        if (parent is not null && mode != parent.Enforcement)
        {
            throw DomainException.Invalid(ModeParam,
                $"{ModeParam} must equal the parent's ({WireNames.Of(parent.Enforcement)}): a tree has one mode.",
                "mixed_enforcement");
        }
        return mode;
    }

    /// <summary>
    /// In a CASCADING tree no limit of <paramref name="models"/> may exceed an ancestor's for the same
    /// (slug, type, unit), and no descendant's may exceed one of <paramref name="models"/>.
    /// </summary>
    public static void CheckCascading(IReadOnlyList<GroupModel> models, IEnumerable<Group> ancestors,
        IEnumerable<Group> descendants)
    {
        // Keyed by (slug, type, unit): each limit meets only its own kind, not every limit of a subtree of any size.
        var ancestorLimits = Flatten(ancestors).ToLookup(Key);
        var descendantLimits = Flatten(descendants).ToLookup(Key);
        for (var i = 0; i < models.Count; i++)
        {
            var limits = models[i].Limits;
            for (var j = 0; j < limits.Count; j++)
            {
                var own = limits[j];
                var key = (models[i].Slug, own.Type, own.Unit);
                // The tightest ancestor, or the largest descendant: the one to change to make this threshold fit.
                var conflict = ancestorLimits[key].Where(a => own.Threshold > a.Limit.Threshold)
                        .OrderBy(a => a.Limit.Threshold).Select(a => Conflict(a, LimitRelation.Ancestor))
                    .Concat(descendantLimits[key].Where(d => d.Limit.Threshold > own.Threshold)
                        .OrderByDescending(d => d.Limit.Threshold).Select(d => Conflict(d, LimitRelation.Descendant)))
                    .FirstOrDefault();
                if (conflict is not null)
                {
                    var list = own.Kind == LimitKind.Rate ? "rate_limits" : "usage_limits";
                    var index = limits.Where(l => l.Kind == own.Kind).ToList().IndexOf(own);
                    throw new DomainException(400, $"models[{i}].{list}[{index}].threshold", ChildExceedsParent,
                        "limit_exceeds_parent") { Conflict = conflict };
                }
            }
        }
    }

    private static (string Slug, LimitType Type, LimitUnit Unit) Key((Group Group, string Slug, ModelLimit Limit) limit) =>
        (limit.Slug, limit.Limit.Type, limit.Limit.Unit);

    private static LimitConflict Conflict((Group Group, string Slug, ModelLimit Limit) other, LimitRelation relation) =>
        new(other.Group.Id, other.Group.Name ?? other.Group.ExternalEntityId, other.Limit.Threshold, relation);

    private static IEnumerable<(Group Group, string Slug, ModelLimit Limit)> Flatten(IEnumerable<Group> groups) =>
        groups.SelectMany(g => g.Models.Select(m => (g, m))).SelectMany(p => p.m.Limits.Select(l => (p.g, p.m.Slug, l)));
}
