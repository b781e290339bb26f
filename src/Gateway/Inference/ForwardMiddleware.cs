using FrontierGateway.Gateway.Telemetry;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Hands the call to its endpoint's cluster and runs the rest of YARP's pipeline (load balancing, passive health,
/// the upstream body, the forwarder), again on another target while <see cref="UpstreamRetry"/> says so. Answers
/// what the proxy could not: 502 when the endpoint has no cluster yet, 502 or 504 when the upstream failed before the
/// response started.
/// </summary>
internal sealed class ForwardMiddleware(RequestDelegate next, IProxyStateLookup proxyState, GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var call = context.Features.GetRequiredFeature<InferenceCall>();
        if (!proxyState.TryGetCluster(call.Route.ClusterId, out var cluster))
        {
            await OpenAIError.WriteAsync(context, 502, "The model's upstream is not configured yet.", "upstream_error",
                "upstream_unreachable");
            return;
        }
        var retry = new UpstreamRetry(cluster, call.Request);
        do
        {
            retry.Aim(context);
            await next(context);
        }
        while (retry.ShouldRetry(context));
        if (Failure(context) is { } failure)
        {
            await UpstreamErrorAsync(context, failure);
        }
        RecordUpstreamError(context, call);
    }

    /// <summary>Counts a call the upstream failed: timed out, unreachable, or answered an error status.</summary>
    private void RecordUpstreamError(HttpContext context, InferenceCall call)
    {
        var failure = context.GetForwarderErrorFeature()?.Error;
        var errorType = failure switch
        {
            null or ForwarderError.None => context.Response.StatusCode >= 400 ? StatusText.Of(context.Response.StatusCode) : null,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient => null,
            ForwarderError.RequestTimedOut => "timeout",
            _ => "unreachable",
        };
        if (errorType is not null)
        {
            metrics.RecordUpstreamError(errorType, call.Request.Slug, CallTelemetry.Provider(context, call));
        }
    }

    /// <summary>A proxy failure that happened before the response started, if there was one.</summary>
    public static ForwarderError? Failure(HttpContext context) =>
        context.GetForwarderErrorFeature() is { } failure && !context.Response.HasStarted ? failure.Error : null;

    /// <summary>Answers a failure before the response started: 504 on timeout, else 502; nothing when the client left.</summary>
    private static Task UpstreamErrorAsync(HttpContext context, ForwarderError error)
    {
        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyClient)
        {
            return Task.CompletedTask;
        }
        var timedOut = error == ForwarderError.RequestTimedOut;
        return OpenAIError.WriteAsync(context, timedOut ? 504 : 502,
            timedOut ? "The upstream model did not answer in time." : "The upstream model could not be reached.",
            "upstream_error", timedOut ? "upstream_timeout" : "upstream_unreachable");
    }
}
