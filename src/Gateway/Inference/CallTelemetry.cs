using System.Diagnostics;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Telemetry;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace FrontierGateway.Gateway.Inference;

/// <summary>An inference call's metrics and span attributes, read from its <see cref="InferenceCall"/>.</summary>
internal static class CallTelemetry
{
    public static string Operation(InferenceOperation operation) => operation switch
    {
        InferenceOperation.ChatCompletions => GenAi.Chat,
        InferenceOperation.Completions => GenAi.TextCompletion,
        _ => GenAi.Embeddings,
    };

    /// <summary>The provider of the target that answered (the last one tried), else of the endpoint's first.</summary>
    public static string Provider(HttpContext context, InferenceCall call)
    {
        var route = call.Route;
        if (route.Simulated)
        {
            return GenAi.Provider(ProviderKind.Simulated);
        }
        if (context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId is { } id
            && route.Destinations.TryGetValue(id, out var target))
        {
            return GenAi.Provider(target.Provider);
        }
        foreach (var first in route.Destinations.Values)
        {
            return GenAi.Provider(first.Provider);
        }
        return GenAi.Provider(ProviderKind.OpenAICompatible);
    }

    /// <summary>Records a call that reached admission, as it ends with <paramref name="status"/>.</summary>
    public static void Record(GatewayMetrics metrics, HttpContext context, InferenceCall call, int status)
    {
        var usage = call.Usage;
        metrics.RecordCall(new CallRecord(Operation(call.Request.Operation), Provider(context, call), call.Request.Slug,
            call.Group.Id, status, call.Started, Stopwatch.GetTimestamp(), call.FirstEvent, usage?.Input ?? 0, usage?.Output ?? 0));
    }
}
