using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Telemetry;

/// <summary>
/// The gateway's spans (<c>Telemetry:Tracing</c>, off by default): one per inference call, named as the GenAI
/// conventions name them (<c>chat your-org/your-model</c>), and one per webhook delivery attempt. While tracing is off
/// no span is started, whoever listens. The management API's spans are ASP.NET Core's own (its instrumentation), and
/// the upstream and webhook calls HttpClient's, which carry the W3C <c>traceparent</c> of the span they are in.
/// </summary>
internal sealed class GatewayTracing(IOptions<TelemetryOptions> options)
{
    public const string SourceName = "FrontierGateway.Gateway";

    private static readonly ActivitySource Source = new(SourceName);

    public bool Enabled { get; } = options.Value.Tracing;

    /// <summary>The span of an inference call, named for now by its operation; null while tracing is off.</summary>
    public Activity? StartInference(string operation) =>
        Enabled ? Source.StartActivity(operation, ActivityKind.Internal) : null;

    /// <summary>The span of one webhook delivery attempt; null while tracing is off.</summary>
    public Activity? StartWebhookAttempt(string deliveryId)
    {
        var activity = Enabled ? Source.StartActivity("webhook deliver", ActivityKind.Internal) : null;
        activity?.SetTag("frontier.webhook.delivery_id", deliveryId);
        return activity;
    }
}
