using System.Text.Json.Serialization;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Endpoints;

public sealed record TargetInput(string? Provider, string? BaseUrl, string? TargetModel, string? Secret,
    string? ModelId, string? EnvironmentName, int? Weight = null, int? Priority = null);

public sealed record EndpointInput(string? Slug, List<TargetInput?>? Targets);

public sealed record TargetView(
    ProviderKind Provider,
    string? BaseUrl,
    string? TargetModel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ModelId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EnvironmentName,
    bool HasSecret,
    int Weight = 1,
    int Priority = 0);

public sealed record EndpointView(string Id, string Slug, IReadOnlyList<TargetView> Targets, DateTime CreatedAt,
    DateTime UpdatedAt);

public sealed record DeletedEndpointView(string Id, string Slug, DateTime DeletedAt);
