using System.Collections.Frozen;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// YARP's load balancing for an endpoint's targets: only the available targets (healthy or not yet known, as YARP's
/// health checks leave them) of the best <see cref="RouteTarget.Priority"/> (lowest number) take calls; targets with
/// a higher number only when all of those are down. Among those, power of two choices as YARP's default, with the draws weighted
/// by <see cref="RouteTarget.Weight"/> and the busier one judged by calls in flight per unit of weight.
/// YARP calls it only when more than one destination is available; it allocates nothing.
/// </summary>
internal sealed class PriorityLoadBalancing : ILoadBalancingPolicy
{
    public const string PolicyName = "PriorityWeighted";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster,
        IReadOnlyList<DestinationState> availableDestinations)
    {
        var targets = context.Features.Get<InferenceCall>()?.Route?.Destinations;
        var best = int.MaxValue;
        var totalWeight = 0;
        // Index loops: foreach over the interface would allocate an enumerator on every call.
        for (var i = 0; i < availableDestinations.Count; i++)
        {
            var (weight, priority) = Of(targets, availableDestinations[i]);
            if (priority < best)
            {
                (best, totalWeight) = (priority, weight);
            }
            else if (priority == best)
            {
                totalWeight += weight;
            }
        }
        var first = Draw(targets, availableDestinations, best, Random.Shared.Next(totalWeight));
        var second = Draw(targets, availableDestinations, best, Random.Shared.Next(totalWeight));
        // first.InFlight / first.Weight <= second.InFlight / second.Weight, without dividing.
        return (long)first.Destination.ConcurrentRequestCount * second.Weight
            <= (long)second.Destination.ConcurrentRequestCount * first.Weight ? first.Destination : second.Destination;
    }

    /// <summary>The target of weight-share <paramref name="ticket"/> among those of priority <paramref name="best"/>.</summary>
    private static (DestinationState Destination, int Weight) Draw(FrozenDictionary<string, RouteTarget>? targets,
        IReadOnlyList<DestinationState> destinations, int best, int ticket)
    {
        (DestinationState, int) last = default;
        for (var i = 0; i < destinations.Count; i++)
        {
            var destination = destinations[i];
            var (weight, priority) = Of(targets, destination);
            if (priority != best)
            {
                continue;
            }
            last = (destination, weight);
            ticket -= weight;
            if (ticket < 0)
            {
                break;
            }
        }
        return last;
    }

    /// <summary>A destination the snapshot does not know (an edit on its way) counts as weight 1, priority 0.</summary>
    private static (int Weight, int Priority) Of(FrozenDictionary<string, RouteTarget>? targets, DestinationState destination) =>
        targets is not null && targets.TryGetValue(destination.DestinationId, out var target)
            ? (target.Weight, target.Priority)
            : (1, 0);
}
