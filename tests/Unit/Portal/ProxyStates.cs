using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace FrontierGateway.Tests.Unit.Portal;

/// <summary>
/// The proxy's state for component tests: YARP's own cluster and destination states, which a test fills in as the
/// health checks would, without a running proxy.
/// </summary>
public sealed class ProxyStates : IProxyStateLookup
{
    private readonly ConcurrentDictionary<string, ClusterState> clusters = new();

    /// <summary>The cluster of an endpoint, created on first use.</summary>
    public ClusterState Cluster(string id) => clusters.GetOrAdd(id, i => new ClusterState(i));

    public bool TryGetRoute(string id, [NotNullWhen(true)] out RouteModel? route)
    {
        route = null;
        return false;
    }

    public IEnumerable<RouteModel> GetRoutes() => [];

    public bool TryGetCluster(string id, [NotNullWhen(true)] out ClusterState? cluster) => clusters.TryGetValue(id, out cluster);

    public IEnumerable<ClusterState> GetClusters() => clusters.Values;
}
