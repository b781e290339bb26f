using System.Text.Json.Serialization;

namespace FrontierGateway.Data.Entities;

[JsonConverter(typeof(WireEnumConverter<ProviderKind>))]
public enum ProviderKind
{
    // The policy would split "OpenAI" into OPEN_AI.
    [JsonStringEnumMemberName("OPENAI_COMPATIBLE")] OpenAICompatible,
    [JsonStringEnumMemberName("OPENAI")] OpenAI,
    Baseten,
    Simulated,
}

/// <summary>Where a model slug goes: one or more upstream targets.</summary>
public sealed class Endpoint
{
    public required string Id { get; set; }
    public required string Slug { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<EndpointTarget> Targets { get; set; } = [];

    /// <summary>ISO 4217 code of the slug's prices; null when the slug has no price (its calls carry no cost).</summary>
    public string? PriceCurrency { get; set; }
    public decimal? InputPricePerMillion { get; set; }
    public decimal? OutputPricePerMillion { get; set; }
}

public sealed class EndpointTarget
{
    public int Id { get; set; }
    public required string EndpointId { get; set; }
    public int Position { get; set; }
    public ProviderKind Provider { get; set; }
    public string? BaseUrl { get; set; }
    public string? TargetModel { get; set; }
    public string? ModelId { get; set; }
    public string? EnvironmentName { get; set; }

    /// <summary>Share of the traffic among targets of the same priority (1 to 1000).</summary>
    public int Weight { get; set; } = 1;

    /// <summary>Failover order: a lower number is tried first; higher ones take traffic only when those are down.</summary>
    public int Priority { get; set; }
    /// <summary>The upstream credential, encrypted with Data Protection; never returned.</summary>
    public string? ProtectedSecret { get; set; }
}
