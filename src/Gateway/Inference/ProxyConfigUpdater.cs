using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace FrontierGateway.Gateway.Inference;

/// <summary>Feeds YARP one cluster per endpoint, one destination per upstream target.</summary>
internal sealed class ProxyConfigUpdater(InMemoryConfigProvider provider, IOptions<GatewayOptions> options) : IEndpointListener
{
    /// <summary>The cluster of the inference routes until the body's <c>model</c> picks the real one.</summary>
    public const string UnroutedCluster = "unrouted";

    public static readonly ClusterConfig Unrouted = new() { ClusterId = UnroutedCluster };

    public static readonly IReadOnlyList<RouteConfig> Routes =
    [
        Route("chat-completions", "/v1/chat/completions"),
        Route("completions", "/v1/completions"),
        Route("embeddings", "/v1/embeddings"),
    ];

    public void Update(IEnumerable<EndpointRoute> endpoints)
    {
        var clusters = endpoints.Where(e => !e.Simulated).Select(e => new ClusterConfig
        {
            ClusterId = e.ClusterId,
            LoadBalancingPolicy = PriorityLoadBalancing.PolicyName,
            // Passive checks only (see README, "Upstream failover"): an active probe would need a path every
            // OpenAI-compatible upstream answers without cost or credential, and there is none.
            HealthCheck = new HealthCheckConfig
            {
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = true,
                    Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                    ReactivationPeriod = TimeSpan.FromSeconds(options.Value.HealthWindowSeconds),
                },
            },
            HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig
            {
                ActivityTimeout = TimeSpan.FromSeconds(options.Value.UpstreamTimeoutSeconds),
            },
            Destinations = e.Destinations.Values.ToDictionary(t => t.DestinationId, t => new DestinationConfig
            {
                Address = t.BaseUrl!,
            }),
        }).Append(Unrouted).ToList();
        provider.Update(Routes, clusters);
    }

    private static RouteConfig Route(string id, string path) => new()
    {
        RouteId = id,
        ClusterId = UnroutedCluster,
        Match = new RouteMatch { Path = path, Methods = ["POST"] },
        Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = "/v1" }],
    };
}
