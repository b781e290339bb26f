using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Groups;

/// <summary>A live group without its models: what the portal needs to draw the hierarchy.</summary>
public sealed record GroupNode(
    string Id,
    string? Name,
    string ExternalEntityId,
    string? ParentGroupId,
    LimitEnforcement LimitEnforcement,
    int Depth,
    int SlugCount,
    int KeyCount)
{
    /// <summary>The name, or the external id of a group that has none.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? ExternalEntityId : Name;

    /// <summary>Whether a child may be created under this group (a hierarchy has at most 5 levels).</summary>
    public bool CanHaveChildren => Depth < HierarchyRules.MaxDepth;
}

/// <summary>What deleting a group takes with it: every live descendant and every key not yet revoked.</summary>
public sealed record GroupDeletePreview(GroupNode Group, IReadOnlyList<GroupNode> Descendants, int KeysToRevoke);
