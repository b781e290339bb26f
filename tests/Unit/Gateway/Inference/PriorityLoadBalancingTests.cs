using System.Collections.Frozen;
using System.Text;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Inference;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

public sealed class PriorityLoadBalancingTests
{
    private readonly PriorityLoadBalancing sut = new();

    [Fact]
    public async Task PickDestination_TwoPriorities_OnlyTheLowestNumberIsPicked()
    {
        var (context, destinations) = await CallAsync((Weight: 1, Priority: 1), (Weight: 1, Priority: 0), (Weight: 1, Priority: 0));

        var picked = Enumerable.Range(0, 300).Select(_ => sut.PickDestination(context, new ClusterState("ep"), destinations)!.DestinationId).ToList();

        Assert.DoesNotContain("ep-0", picked);
        Assert.Contains("ep-1", picked);
        Assert.Contains("ep-2", picked);
    }

    [Fact]
    public async Task PickDestination_WeightsThreeToOne_ShareTheCallsThreeToOne()
    {
        var (context, destinations) = await CallAsync((Weight: 3, Priority: 0), (Weight: 1, Priority: 0));

        var first = Enumerable.Range(0, 4000).Count(_ => sut.PickDestination(context, new ClusterState("ep"), destinations) == destinations[0]);

        // 0.75 of 4000, give or take 7 standard deviations (27 calls each).
        Assert.InRange(first, 2810, 3190);
    }

    [Fact]
    public async Task PickDestination_SameWeight_TheOneWithFewerCallsInFlightWinsMostDraws()
    {
        var (context, destinations) = await CallAsync((Weight: 1, Priority: 0), (Weight: 1, Priority: 0));
        destinations[0].ConcurrentRequestCount = 5;

        var idle = Enumerable.Range(0, 400).Count(_ => sut.PickDestination(context, new ClusterState("ep"), destinations) == destinations[1]);

        // Power of two choices: the busy one wins only when both draws fall on it (a quarter of the time).
        Assert.InRange(idle, 250, 350);
    }

    /// <summary>A call routed to endpoint <c>ep</c>, whose targets are <c>ep-0</c>, <c>ep-1</c>… as given.</summary>
    private static async Task<(HttpContext, IReadOnlyList<DestinationState>)> CallAsync(params (int Weight, int Priority)[] targets)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"model":"acme/x","messages":[]}"""));
        var (request, _) = await InferenceRequest.ReadAsync(context.Request, InferenceOperation.ChatCompletions);
        var routeTargets = targets.Select((t, i) => new RouteTarget(RouteTarget.IdOf("ep", i), ProviderKind.OpenAICompatible,
            "http://127.0.0.1:9/v1", "m", null, t.Weight, t.Priority)).ToList();
        context.Features.Set(new InferenceCall
        {
            Request = request!,
            Route = new EndpointRoute("acme/x", "ep", false, routeTargets.ToFrozenDictionary(t => t.DestinationId)),
        });
        return (context, [.. routeTargets.Select(t => new DestinationState(t.DestinationId))]);
    }
}
