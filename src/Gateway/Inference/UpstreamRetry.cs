using System.Net;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Fails a call over to another target of its endpoint when the one YARP picked failed before any byte reached the
/// client: no connection, no answer, or a 500/502/503 (which <see cref="UpstreamContentHandler"/> turns into a failed
/// send while another target is left, so YARP copies nothing of it and its passive health check counts it).
/// Never after the response started, never on a timeout (the call has waited its time already), never on a 4xx or
/// when the client left. Each target is tried once, <see cref="MaxAttempts"/> at most; YARP's load balancing picks
/// among the rest. A struct kept in the caller's async state: the call that needs no retry allocates nothing.
/// </summary>
internal struct UpstreamRetry(ClusterState cluster, InferenceRequest request)
{
    public const int MaxAttempts = 3;

    private List<DestinationState>? failed;
    private DestinationState[]? untried;

    /// <summary>Whether an upstream's answer is one another target may answer better.</summary>
    public static bool IsRetriable(HttpStatusCode status) =>
        status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable;

    /// <summary>Hands the call to the cluster, among the targets not tried yet.</summary>
    public readonly void Aim(HttpContext context)
    {
        context.ReassignProxyRequest(cluster);
        var proxy = context.GetReverseProxyFeature();
        if (untried is not null)
        {
            proxy.AvailableDestinations = untried;
        }
        request.FailOver = proxy.AvailableDestinations.Count > 1 && (failed?.Count ?? 0) < MaxAttempts - 1;
    }

    /// <summary>After an attempt: whether to make another, the failed one's answer cleared for it.</summary>
    public bool ShouldRetry(HttpContext context)
    {
        if (context.GetForwarderErrorFeature() is not { Error: ForwarderError.Request } || context.Response.HasStarted
            || context.RequestAborted.IsCancellationRequested
            || context.GetReverseProxyFeature().ProxiedDestination is not { } tried)
        {
            return false;
        }
        (failed ??= []).Add(tried);
        if (failed.Count >= MaxAttempts)
        {
            return false;
        }
        // Health as YARP sees it now (the passive check may just have taken a target out), less those tried.
        var left = failed;
        untried = cluster.DestinationsState.AvailableDestinations.Where(d => !left.Contains(d)).ToArray();
        if (untried.Length == 0)
        {
            return false;
        }
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        return true;
    }
}
