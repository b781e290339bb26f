using System.Text.Json.Serialization;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Groups;

public sealed record LimitView(
    LimitType Type,
    LimitUnit Unit,
    long Threshold,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SourceGroup = null);

public sealed record ModelView(string Slug, IReadOnlyList<LimitView> RateLimits, IReadOnlyList<LimitView> UsageLimits);

public sealed record MetadataView(string? Name, string ExternalEntityId);

public sealed record HierarchyView(LimitEnforcement LimitEnforcement, string? ParentGroupId);

public sealed record GroupView(
    string Id,
    MetadataView Metadata,
    IReadOnlyList<ModelView> Models,
    IReadOnlyList<ModelView> EffectiveModels,
    HierarchyView Hierarchy,
    DateTime CreatedAt);

public sealed record DeletedGroupView(string Id, MetadataView Metadata, DateTime DeletedAt);

public sealed record UsageLimitView(LimitType Type, LimitUnit Unit, long Threshold, long? CurrentUsage,
    DateTime? ResetAt, string SourceGroup);

public sealed record GroupUsageView(string CustomerId, IReadOnlyDictionary<string, IReadOnlyList<UsageLimitView>> Usage);
