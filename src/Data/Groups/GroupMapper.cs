using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Groups;

/// <summary>Entities to wire views.</summary>
internal static class GroupMapper
{
    public static GroupView ToView(IReadOnlyList<Group> chain)
    {
        var group = chain[0];
        return new GroupView(
            group.Id,
            Metadata(group),
            group.Models.ConvertAll(m => new ModelView(m.Slug,
                Limits(m.Limits, LimitKind.Rate, null), Limits(m.Limits, LimitKind.Usage, null))),
            EffectiveModels.Compute(chain).ConvertAll(ToView),
            new HierarchyView(group.Enforcement, group.ParentGroupId),
            group.CreatedAt);
    }

    public static MetadataView Metadata(Group group) => new(group.Name, group.ExternalEntityId);

    private static ModelView ToView(EffectiveModel model) => new(model.Slug,
        Effective(model, LimitKind.Rate), Effective(model, LimitKind.Usage));

    private static List<LimitView> Effective(EffectiveModel model, LimitKind kind) =>
        model.Limits.Where(l => l.Kind == kind)
            .Select(l => new LimitView(l.Type, l.Unit, l.Threshold, l.SourceGroupId))
            .ToList();

    private static List<LimitView> Limits(List<ModelLimit> limits, LimitKind kind, string? source) =>
        limits.Where(l => l.Kind == kind)
            .Select(l => new LimitView(l.Type, l.Unit, l.Threshold, source))
            .ToList();
}
