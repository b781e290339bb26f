using FrontierGateway.Gateway.Snapshot;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace FrontierGateway.Gateway.Inference;

public enum TargetState { Unknown, Healthy, Unhealthy }

/// <summary>
/// Each upstream target's health as YARP's health checks last judged it (read from the proxy's state, nothing
/// stored): unhealthy while taken out, healthy once a call through it went well, unknown before any call and
/// again when a target is put back. Public for the portal's pages.
/// </summary>
public sealed class TargetHealth(IProxyStateLookup proxy)
{
    /// <summary>The state of the target at <paramref name="position"/> of an endpoint; null when YARP has no
    /// destination for it (a SIMULATED target, or an endpoint the proxy has not loaded yet).</summary>
    public TargetState? Of(string endpointId, int position) =>
        proxy.TryGetCluster(endpointId, out var cluster)
        && cluster.Destinations.TryGetValue(RouteTarget.IdOf(endpointId, position), out var destination)
            ? StateOf(destination.Health)
            : null;

    private static TargetState StateOf(DestinationHealthState health) => (health.Active, health.Passive) switch
    {
        (DestinationHealth.Unhealthy, _) or (_, DestinationHealth.Unhealthy) => TargetState.Unhealthy,
        (DestinationHealth.Healthy, _) or (_, DestinationHealth.Healthy) => TargetState.Healthy,
        _ => TargetState.Unknown,
    };
}
