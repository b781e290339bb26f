namespace FrontierGateway.Data.Groups;

// The wire shapes of group writes. Enums stay strings here so that a bad value is
// reported with the field's path instead of a serializer error.

public sealed record LimitInput(string? Type, string? Unit, long? Threshold);

public sealed record ModelInput(string? Slug, List<LimitInput?>? RateLimits, List<LimitInput?>? UsageLimits);

public sealed record MetadataInput(string? Name, string? ExternalEntityId);

public sealed record HierarchyInput(string? LimitEnforcement, string? ParentGroupId);

public sealed record GroupCreateInput(MetadataInput? Metadata, List<ModelInput?>? Models, HierarchyInput? Hierarchy);

public sealed record GroupPatchInput(MetadataInput? Metadata, List<ModelInput?>? Models, HierarchyInput? Hierarchy);
