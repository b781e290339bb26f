using FrontierGateway.Data.Groups;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Groups;

/// <summary>Builds the tree view's items from flat nodes, optionally keeping only matches and their ancestors.</summary>
internal static class GroupTreeItems
{
    public static List<TreeItemData<GroupNode>> Build(IReadOnlyList<GroupNode> nodes, string? search)
    {
        var filter = search?.Trim() ?? "";
        var byId = nodes.ToDictionary(n => n.Id);
        var visible = filter.Length == 0 ? null : VisibleIds(nodes, byId, filter);
        var children = nodes.Where(n => n.ParentGroupId is not null && byId.ContainsKey(n.ParentGroupId))
            .ToLookup(n => n.ParentGroupId!);
        // A node whose parent is not in the list (a customer's own group) is a root here.
        var roots = nodes.Where(n => n.ParentGroupId is null || !byId.ContainsKey(n.ParentGroupId));
        return Items(roots, children, visible);
    }

    public static bool Matches(GroupNode node, string filter) =>
        node.DisplayName.Contains(filter, StringComparison.OrdinalIgnoreCase)
        || node.ExternalEntityId.Contains(filter, StringComparison.OrdinalIgnoreCase);

    private static HashSet<string> VisibleIds(IReadOnlyList<GroupNode> nodes, Dictionary<string, GroupNode> byId, string filter)
    {
        var visible = new HashSet<string>(StringComparer.Ordinal);
        foreach (var match in nodes.Where(n => Matches(n, filter)))
        {
            // A match keeps its ancestors, so that it is shown where it sits in the hierarchy.
            for (var node = match; node is not null && visible.Add(node.Id);)
            {
                node = node.ParentGroupId is { } parent ? byId.GetValueOrDefault(parent) : null;
            }
        }
        return visible;
    }

    private static List<TreeItemData<GroupNode>> Items(IEnumerable<GroupNode> level, ILookup<string, GroupNode> children,
        HashSet<string>? visible) =>
        level.Where(n => visible is null || visible.Contains(n.Id))
            .OrderBy(n => n.DisplayName, StringComparer.OrdinalIgnoreCase)
            .Select(n =>
            {
                var kids = Items(children[n.Id], children, visible);
                return new TreeItemData<GroupNode>
                {
                    Value = n,
                    Text = n.DisplayName,
                    Expanded = true,
                    Expandable = kids.Count > 0,
                    Children = kids.Count > 0 ? [.. kids] : null,
                };
            })
            .ToList();
}
