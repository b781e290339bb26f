using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using FrontierGateway.Gateway.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>An endpoint with two real upstreams on 127.0.0.1, one of which fails: calls go on through the other.</summary>
public sealed class FailoverTests : IAsyncLifetime
{
    private const string Slug = "acme/failover";
    private readonly LiveGatewayFactory gateway = new();
    private readonly List<FakeUpstream> upstreams = [];
    private HttpClient client = null!;
    private string group = "";
    private string endpoint = "";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        client?.Dispose();
        foreach (var upstream in upstreams)
        {
            await upstream.DisposeAsync();
        }
        await gateway.DisposeAsync();
    }

    private TargetState? HealthOf(int target) => gateway.Services.GetRequiredService<TargetHealth>().Of(endpoint, target);

    /// <summary>Two upstreams answering OK, as targets 0 and 1 of <see cref="Slug"/> with the given priorities.</summary>
    private async Task<(FakeUpstream A, FakeUpstream B)> StartAsync(int priorityA, int priorityB, int healthWindowSeconds = 2)
    {
        gateway.Settings["Gateway:HealthWindowSeconds"] = healthWindowSeconds.ToString();
        gateway.Settings["Gateway:HealthMinimumCalls"] = "3";
        var a = await FakeUpstream.StartAsync();
        var b = await FakeUpstream.StartAsync();
        upstreams.AddRange([a, b]);
        a.Chat = b.Chat = FakeUpstream.AnswerOkAsync;
        var (_, created) = await gateway.Client().PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"{{Slug}}","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"{{a.BaseUrl}}","priority":{{priorityA}}},
                                          {"provider":"OPENAI_COMPATIBLE","base_url":"{{b.BaseUrl}}","priority":{{priorityB}}}]}
            """);
        endpoint = created!["id"]!.GetValue<string>();
        (group, var key) = await gateway.CustomerAsync("failover-customer", $$"""[{"slug":"{{Slug}}"}]""");
        client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (a, b);
    }

    /// <summary>The positions of the targets YARP may currently send calls to.</summary>
    private int[] Available()
    {
        Assert.True(gateway.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster(endpoint, out var cluster));
        return [.. cluster.DestinationsState.AvailableDestinations.Select(d => int.Parse(d.DestinationId[(endpoint.Length + 1)..])).Order()];
    }

    private Task<int> CallAsync() => client.ChatAsync(Slug).StatusAsync();

    [Fact]
    public async Task Chat_TargetKilledThenRestarted_NoClientErrors_MeteredOnce_TakenOutAndBack()
    {
        var (a, b) = await StartAsync(priorityA: 0, priorityB: 0);
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await CallAsync());
        }

        await a.DisposeAsync();
        upstreams.Remove(a);
        // Calls while it is down, until YARP's passive check takes it out of the endpoint's available targets.
        while (Available().Contains(0) && statuses.Count < 200)
        {
            statuses.Add(await CallAsync());
        }
        var (whileDown, availableWhileDown) = (HealthOf(0), Available());
        var restarted = await FakeUpstream.StartAsync(a.Port);
        upstreams.Add(restarted);
        restarted.Chat = FakeUpstream.AnswerOkAsync;
        // Calls until it is put back and has answered again.
        var clock = Stopwatch.StartNew();
        while ((restarted.Received.Count == 0 || HealthOf(0) != TargetState.Healthy) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            statuses.Add(await CallAsync());
            await Task.Delay(20);
        }

        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(TargetState.Unhealthy, whileDown);
        Assert.Equal([1], availableWhileDown);
        Assert.NotEmpty(restarted.Received);
        Assert.Equal([0, 1], Available());
        Assert.Equal(TargetState.Healthy, HealthOf(0));
        Assert.Equal(statuses.Count, a.Received.Count + b.Received.Count + restarted.Received.Count);
        var events = await gateway.EventsAsync(group, statuses.Count);
        Assert.Equal(statuses.Count, events.Count);
        Assert.Equal(statuses.Count, events.Select(e => e.RequestId).Distinct().Count());
    }

    [Fact]
    public async Task Chat_BothHealthy_AllCallsGoToTheHigherPriorityTarget()
    {
        var (a, b) = await StartAsync(priorityA: 1, priorityB: 0);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, await CallAsync());
        }

        Assert.Equal(20, b.Received.Count);
        Assert.Empty(a.Received);
        Assert.Equal(TargetState.Healthy, HealthOf(1));
    }

    [Fact]
    public async Task Chat_PreferredTargetAnswers500_FailsOverToTheNext_AndIsTakenOut()
    {
        var (a, b) = await StartAsync(priorityA: 0, priorityB: 1, healthWindowSeconds: 60);
        a.Chat = (context, _) =>
        {
            context.Response.StatusCode = 500;
            return context.Response.WriteAsync("""{"error":{"message":"upstream broke","type":"server_error"}}""");
        };

        var statuses = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            statuses.Add(await CallAsync());
        }

        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(10, b.Received.Count);
        // Tried first until its failures (3 calls at least) took it out.
        Assert.InRange(a.Received.Count, 3, 9);
        Assert.Equal(TargetState.Unhealthy, HealthOf(0));
        Assert.Equal(10, (await gateway.EventsAsync(group, 10)).Count);
    }

    [Fact]
    public async Task Chat_PreferredTargetAnswers400_PassesThroughWithoutRetry()
    {
        var (a, b) = await StartAsync(priorityA: 0, priorityB: 1);
        a.Chat = (context, _) =>
        {
            context.Response.StatusCode = 400;
            return context.Response.WriteAsync("""{"error":{"message":"context too long","type":"invalid_request_error"}}""");
        };

        using var response = await client.ChatAsync(Slug);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("context too long", await response.Content.ReadAsStringAsync());
        Assert.Single(a.Received);
        Assert.Empty(b.Received);
    }

    [Fact]
    public async Task Stream_TargetFailsAfterTheFirstChunk_IsNotRetried()
    {
        var (a, b) = await StartAsync(priorityA: 0, priorityB: 1);
        var firstChunkRead = new TaskCompletionSource();
        a.Chat = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk("Hello"));
            // Dies once the client has the first chunk (not before the gateway has read it: that would be retried).
            await firstChunkRead.Task.WaitAsync(TimeSpan.FromSeconds(20));
            context.Abort();
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{Slug}}","stream":true,"messages":[{"role":"user","content":"hi"}]}""",
                Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        firstChunkRead.SetResult();
        var cutOff = await Record.ExceptionAsync(() => reader.ReadToEndAsync());

        Assert.Contains("Hello", first);
        Assert.IsAssignableFrom<IOException>(cutOff);
        // The call ends (and is metered, once) only after the gateway decided not to retry it.
        var usage = Assert.Single(await gateway.EventsAsync(group, 1));
        Assert.True(usage.OutputTokens > 0);
        Assert.Single(a.Received);
        Assert.Empty(b.Received);
    }
}
