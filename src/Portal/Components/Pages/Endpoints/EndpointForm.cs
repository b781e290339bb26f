using System.Text.Json;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Endpoints;

namespace FrontierGateway.Portal.Components.Pages.Endpoints;

/// <summary>The endpoint dialog's editable state; the domain (<see cref="EndpointService"/>) validates it.</summary>
public sealed class EndpointForm
{
    public string Slug { get; set; } = "";

    public List<TargetForm> Targets { get; set; } = [new()];

    /// <summary>The price per million tokens, as typed: the domain checks it (decimal, currency code).</summary>
    public string? Currency { get; set; }
    public string? InputPerMillion { get; set; }
    public string? OutputPerMillion { get; set; }

    public static EndpointForm From(EndpointView view) => new()
    {
        Slug = view.Slug, Targets = [.. view.Targets.Select(TargetForm.From)],
        Currency = view.Price?.Currency, InputPerMillion = view.Price?.InputPerMillion, OutputPerMillion = view.Price?.OutputPerMillion,
    };

    /// <summary>All three price fields empty: no price (calls carry no cost).</summary>
    public EndpointInput ToInput() => new(Slug.Trim(), [.. Targets.Select(t => t.ToInput())], PriceElement());

    private JsonElement PriceElement() =>
        string.IsNullOrWhiteSpace(Currency) && string.IsNullOrWhiteSpace(InputPerMillion) && string.IsNullOrWhiteSpace(OutputPerMillion)
            ? JsonSerializer.SerializeToElement<object?>(null)
            : JsonSerializer.SerializeToElement(new Dictionary<string, string?>
            {
                ["currency"] = Currency?.Trim().ToUpperInvariant(),
                ["input_per_million"] = InputPerMillion?.Trim(),
                ["output_per_million"] = OutputPerMillion?.Trim(),
            });
}

public sealed class TargetForm
{
    public static readonly IReadOnlyList<string> Providers = WireNames.All<ProviderKind>();

    public string Provider { get; set; } = WireNames.Of(ProviderKind.OpenAICompatible);
    public string? BaseUrl { get; set; }
    public string? TargetModel { get; set; }
    public string? ModelId { get; set; }
    public string? EnvironmentName { get; set; }
    public int Weight { get; set; } = 1;
    public int Priority { get; set; }

    /// <summary>Write-only: empty keeps the secret stored for the same provider and base URL.</summary>
    public string? Secret { get; set; }

    /// <summary>Whether the stored target this one was loaded from has a secret.</summary>
    public bool HasStoredSecret { get; init; }

    /// <summary>The provider <see cref="Provider"/> names (the form holds the wire name it sends).</summary>
    public ProviderKind? Kind => WireNames.Parse<ProviderKind>(Provider);
    public bool IsBaseten => Kind == ProviderKind.Baseten;
    public bool IsSimulated => Kind == ProviderKind.Simulated;

    public static TargetForm From(TargetView view) => new()
    {
        Provider = WireNames.Of(view.Provider),
        // A base URL the provider implies is left empty, so that changing the model id rebuilds it.
        BaseUrl = view.BaseUrl == ImpliedBaseUrl(view) ? null : view.BaseUrl,
        TargetModel = view.TargetModel,
        ModelId = view.ModelId,
        EnvironmentName = view.EnvironmentName,
        Weight = view.Weight,
        Priority = view.Priority,
        HasStoredSecret = view.HasSecret,
    };

    /// <summary>The input for the domain; fields hidden for the provider are left out.</summary>
    public TargetInput ToInput() => new(Provider, IsSimulated ? null : Blank(BaseUrl), Blank(TargetModel),
        IsSimulated ? null : Blank(Secret), IsBaseten ? Blank(ModelId) : null, IsBaseten ? Blank(EnvironmentName) : null, Weight, Priority);

    private static string? ImpliedBaseUrl(TargetView view) => view.Provider switch
    {
        ProviderKind.OpenAI => TargetParser.OpenAIBaseUrl,
        ProviderKind.Baseten when view.ModelId is not null => TargetParser.BasetenUrl(view.ModelId, view.EnvironmentName),
        _ => null,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
