using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// YARP's passive health check step (its <c>UsePassiveHealthChecks</c>), reporting each attempt to the cluster the
/// call was handed to. YARP's own step reports to the route's cluster, which here is the placeholder
/// <see cref="ProxyConfigUpdater.UnroutedCluster"/> (the body picks the real one, <c>ReassignProxyRequest</c>): a
/// failing target was marked unhealthy but never left its endpoint's available destinations.
/// </summary>
internal sealed class PassiveHealthMiddleware(RequestDelegate next, IProxyStateLookup proxyState,
    IEnumerable<IPassiveHealthCheckPolicy> policies)
{
    private readonly FrozenDictionary<string, IPassiveHealthCheckPolicy> policies =
        policies.ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var proxy = context.GetReverseProxyFeature();
        if (proxy.Cluster.Config.HealthCheck?.Passive is { Enabled: true } passive
            && proxy.ProxiedDestination is { } destination
            && proxyState.TryGetCluster(proxy.Cluster.Config.ClusterId, out var cluster)
            && policies.TryGetValue(passive.Policy ?? HealthCheckConstants.PassivePolicy.TransportFailureRate, out var policy))
        {
            policy.RequestProxied(context, cluster, destination);
        }
    }
}
