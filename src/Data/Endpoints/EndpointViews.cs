using System.Text.Json;
using System.Text.Json.Serialization;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Endpoints;

public sealed record TargetInput(string? Provider, string? BaseUrl, string? TargetModel, string? Secret,
    string? ModelId, string? EnvironmentName, int? Weight = null, int? Priority = null);

/// <param name="Price">Absent: unchanged; <c>null</c>: no price; an object: <see cref="Pricing.PriceInput"/>.</param>
public sealed record EndpointInput(string? Slug, List<TargetInput?>? Targets, JsonElement Price = default);

/// <summary>An endpoint's prices on the wire: amounts as decimal strings, per million tokens.</summary>
public sealed record PriceView(string Currency, string InputPerMillion, string OutputPerMillion);

public sealed record TargetView(
    ProviderKind Provider,
    string? BaseUrl,
    string? TargetModel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ModelId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EnvironmentName,
    bool HasSecret,
    int Weight = 1,
    int Priority = 0);

/// <param name="Price">An extra field of ours (SPEC §5 lists the others): null when the slug has no price.</param>
public sealed record EndpointView(string Id, string Slug, IReadOnlyList<TargetView> Targets, DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PriceView? Price = null);

public sealed record DeletedEndpointView(string Id, string Slug, DateTime DeletedAt);
