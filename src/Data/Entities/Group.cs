using System.Text.Json.Serialization;

namespace FrontierGateway.Data.Entities;

[JsonConverter(typeof(WireEnumConverter<LimitEnforcement>))]
public enum LimitEnforcement { Independent, Cascading }

/// <summary>
/// A customer, plan, team or project in the hierarchy. Soft-deleted with its subtree: a query sees only live groups
/// unless it says IgnoreQueryFilters() (GroupConfiguration).
/// </summary>
public sealed class Group
{
    public required string Id { get; set; }
    public string? Name { get; set; }
    public required string ExternalEntityId { get; set; }
    public string? ParentGroupId { get; set; }
    public Group? Parent { get; set; }
    public LimitEnforcement Enforcement { get; set; }
    /// <summary>1 for a root, at most <see cref="Groups.HierarchyRules.MaxDepth"/>.</summary>
    public int Depth { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DeletedAt { get; set; }
    public List<GroupModel> Models { get; set; } = [];
}

/// <summary>A model slug a group declares, with its own limits.</summary>
public sealed class GroupModel
{
    public int Id { get; set; }
    public required string GroupId { get; set; }
    public required string Slug { get; set; }
    public List<ModelLimit> Limits { get; set; } = [];
}
