using System.Text.Json;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// One inference call's state, the feature its steps hand on (<c>HttpContext.Features</c>), as YARP's steps hand on
/// <c>IReverseProxyFeature</c>. <see cref="KeyAuthenticationMiddleware"/> sets it; each later step fills in what it
/// found out, and the steps after it rely on that (see <see cref="InferenceEndpoints.MapInference"/> for the order).
/// </summary>
internal sealed class InferenceCall
{
    /// <summary>The one snapshot the whole call is served from, read once as it arrived.</summary>
    public GatewaySnapshot Snapshot { get; init; } = GatewaySnapshot.Empty;

    /// <summary>When the call arrived: the key's expiry, the limits' windows and the usage event's first timestamp.</summary>
    public DateTime Now { get; init; }

    /// <summary>When the call arrived, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp: its metrics' start.</summary>
    public long Started { get; init; }

    public KeyEntry Key { get; init; } = default!;
    public GroupPolicy Group { get; init; } = default!;

    /// <summary>The body, read and checked (<see cref="RequestBodyMiddleware"/>).</summary>
    public InferenceRequest Request { get; set; } = default!;

    /// <summary>The limits the call is checked against and metered to (<see cref="ModelRoutingMiddleware"/>).</summary>
    public SlugPolicy Policy { get; set; } = default!;

    /// <summary>Where the body's <c>model</c> goes (<see cref="ModelRoutingMiddleware"/>).</summary>
    public EndpointRoute Route { get; set; } = default!;

    /// <summary>The verdict of the limits (<see cref="AdmissionMiddleware"/>); the call goes on only when admitted.</summary>
    public Admission Admission { get; set; } = default!;

    /// <summary>The tokens a completed call was metered (<see cref="MeteringMiddleware"/>); null for a void call.</summary>
    public TokenUsage? Usage { get; set; }

    /// <summary>When the first event of a stream reached the client (a Stopwatch timestamp), if one did.</summary>
    public long? FirstEvent { get; set; }

    private long? promptTokens;

    /// <summary>
    /// The prompt's tokens as the gateway counts them, counted once a call: by admission when a TOKEN limit needs
    /// them for the reservation, else at the end for an upstream that reported no usage.
    /// </summary>
    public long PromptTokens(TokenCounter tokens) => promptTokens ??= Count(tokens);

    /// <summary>The prompt's tokens if admission counted them.</summary>
    public long? PromptTokensCounted => promptTokens;

    /// <summary>The prompt's tokens if admission counted them; else the estimate at four bytes of body a token.</summary>
    public long PromptTokensSoFar => promptTokens ?? (Request.Raw.Length + 3) / 4;

    /// <summary>
    /// The tokenizer's count, read from the body's bytes; for a body that is not a plain case there, from its tree, and
    /// the four-bytes estimate when the body does not parse as a tree (a repeated property name passes the gateway's
    /// reader, which only reads its own fields, but not JsonNode).
    /// </summary>
    private long Count(TokenCounter tokens)
    {
        if (tokens.TryCountPrompt(Request.Operation, Request.Raw.Span) is { } counted)
        {
            return counted;
        }
        try
        {
            return tokens.CountPrompt(Request.Operation, Request.Body);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return (Request.Raw.Length + 3) / 4;
        }
    }
}
