using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Pricing;

namespace FrontierGateway.Data.Webhooks;

/// <summary>Our extra field <c>cost</c>: the amount as a decimal string (never a JSON number, which readers take as a double).</summary>
public sealed record BillingCost(
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("currency")] string Currency);

public sealed record BillingTokens(
    [property: JsonPropertyName("inputTokens")] long InputTokens,
    [property: JsonPropertyName("outputTokens")] long OutputTokens,
    [property: JsonPropertyName("cachedInputTokens")] long CachedInputTokens);

/// <summary>The billing event of SPEC §7, in its camelCase wire shape (webhooks and the events API alike).</summary>
public sealed record BillingEvent(
    [property: JsonPropertyName("idempotencyKey")] string IdempotencyKey,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("requestId")] string RequestId,
    [property: JsonPropertyName("requestMetadata")] JsonNode? RequestMetadata,
    [property: JsonPropertyName("modelSlug")] string ModelSlug,
    [property: JsonPropertyName("externalEntityId")] string ExternalEntityId,
    [property: JsonPropertyName("apiKeyPrefix")] string ApiKeyPrefix,
    [property: JsonPropertyName("tokens")] BillingTokens Tokens,
    [property: JsonPropertyName("usageSource")] string UsageSource,
    [property: JsonPropertyName("interrupted")] bool Interrupted,
    [property: JsonPropertyName("cost"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BillingCost? Cost = null)
{
    /// <summary>The counts came from the upstream's <c>usage</c>.</summary>
    public const string ProviderSource = "PROVIDER";

    /// <summary>The gateway counted the tokens itself (no usage came, the client left, or the host died).</summary>
    public const string EstimatedSource = "ESTIMATED";

    public static BillingEvent From(UsageEvent e) => new(
        e.IdempotencyKey,
        Rfc3339(e.Timestamp),
        e.RequestId,
        e.RequestMetadata is null ? null : JsonNode.Parse(e.RequestMetadata),
        e.ModelSlug,
        e.ExternalEntityId,
        e.ApiKeyPrefix,
        new BillingTokens(e.InputTokens, e.OutputTokens, e.CachedInputTokens),
        e.Estimated ? EstimatedSource : ProviderSource,
        e.Interrupted,
        e is { Cost: { } amount, CostCurrency: { } currency } ? new BillingCost(ModelPrice.Format(amount), currency) : null);

    /// <summary>RFC 3339 in UTC with milliseconds: <c>2026-05-13T12:00:00.123Z</c>.</summary>
    public static string Rfc3339(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The body of one webhook delivery: <c>{"type":"API_BILLING_USAGE","data":{"events":[...]}}</c>.</summary>
    public static string Payload(IEnumerable<BillingEvent> events) => JsonSerializer.Serialize(
        new { type = "API_BILLING_USAGE", data = new { events } });
}
