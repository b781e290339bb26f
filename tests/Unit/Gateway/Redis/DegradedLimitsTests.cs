using System.Net;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Redis;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Redis;

/// <summary>
/// <c>Limits:RedisOutage=Degraded</c> on two real hosts, one PostgreSQL and one Redis that is killed under load: each
/// host admits its half of every limit while Redis is down, and the limits are exact across them once it is back.
/// </summary>
public sealed class DegradedLimitsTests : IAsyncLifetime
{
    private const string Slug = InferenceHelpers.SimulatedSlug;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly RedisServer redis = new();
    private HostPair hosts = null!;

    public async Task InitializeAsync()
    {
        await redis.InitializeAsync();
        hosts = HostPair.Start(new Dictionary<string, string>
        {
            ["Redis:Configuration"] = redis.Configuration + ",connectTimeout=1000",
            ["Limits:Store"] = "Redis",
            ["Limits:RedisOutage"] = "Degraded",
        }, DataProvider.Postgres);
    }

    public async Task DisposeAsync()
    {
        await hosts.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task RedisKilledUnderLoad_EachHostAdmitsHalfOfEachLimit_ThenBothCountExactlyAgain()
    {
        var (loadGroup, loadKey) = await hosts.A.CustomerAsync("degraded-load", Models(10_000));
        var (shareGroup, shareKey) = await hosts.A.CustomerAsync("degraded-share", Models(20));
        var (exactGroup, exactKey) = await hosts.A.CustomerAsync("degraded-exact", Models(30));
        using var loadOnA = HostPair.Caller(hosts.A, loadKey);
        using var loadOnB = await KnownToBAsync(loadKey);
        using var shareOnA = HostPair.Caller(hosts.A, shareKey);
        using var shareOnB = await KnownToBAsync(shareKey);
        using var exactOnA = HostPair.Caller(hosts.A, exactKey);
        using var exactOnB = await KnownToBAsync(exactKey);
        using var probeA = new HttpClient { BaseAddress = hosts.A.BaseAddress };
        using var probeB = new HttpClient { BaseAddress = hosts.B.BaseAddress };
        await BothSeeTwoHostsAsync();

        var (load, during) = await OutageLoad.RunAsync(redis, worker => worker % 2 == 0 ? loadOnA : loadOnB, probeB);
        await OutageLoad.UntilExactAsync(probeA);
        await OutageLoad.UntilExactAsync(probeB);
        await BothSeeTwoHostsAsync();
        redis.Kill();
        var shares = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => CallAsync(i % 2 == 0 ? shareOnA : shareOnB)));
        var readyA = await OutageLoad.ReadyzAsync(probeA);
        var readyB = await OutageLoad.ReadyzAsync(probeB);
        await redis.RestartAsync();
        await OutageLoad.UntilExactAsync(probeA);
        await OutageLoad.UntilExactAsync(probeB);
        var exact = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => CallAsync(i % 2 == 0 ? exactOnA : exactOnB)));

        // Under load: every call admitted (far under the limit, halved or not), none failed.
        Assert.All(load, a => Assert.Equal(200, a.Status));
        Assert.Contains(load, a => a.Limits == "degraded");
        // Whatever either host had seen of the outage by then, it stayed ready.
        Assert.Equal(HttpStatusCode.OK, during.Status);
        // Redis down, a REQUEST/MINUTE limit of 20 over two hosts: 10 on each, every answer saying so.
        Assert.Equal(10, shares.Count(a => a.Host == "A" && a.Status == 200));
        Assert.Equal(10, shares.Count(a => a.Host == "B" && a.Status == 200));
        Assert.All(shares, a => Assert.Contains(a.Status, new[] { 200, 429 }));
        Assert.All(shares, a => Assert.Equal(("degraded", "10"), (a.Limits, a.Limit)));
        Assert.All(new[] { readyA, readyB }, r => Assert.Equal((HttpStatusCode.OK, "Degraded", "Degraded"), (r.Status, r.Check("limits"), r.Check("redis"))));
        // Redis back: exact across both hosts again.
        Assert.Equal(30, exact.Count(a => a.Status == 200));
        Assert.Equal(50, exact.Count(a => a.Status == 429));
        Assert.All(exact, a => Assert.Null(a.Limits));
        // Every admitted call has its usage event.
        Assert.Equal(OutageLoad.Calls, (await hosts.A.EventsAsync(loadGroup, OutageLoad.Calls)).Count);
        Assert.Equal(20, (await hosts.A.EventsAsync(shareGroup, 20)).Count);
        Assert.Equal(30, (await hosts.A.EventsAsync(exactGroup, 30)).Count);

        async Task<Answer> CallAsync(HttpClient caller)
        {
            using var response = await caller.ChatAsync();
            return new Answer(caller.BaseAddress == hosts.A.BaseAddress ? "A" : "B", (int)response.StatusCode,
                response.Headers.TryGetValues("x-frontier-limits", out var limits) ? limits.Single() : null,
                response.Headers.TryGetValues("x-ratelimit-limit-requests", out var limit) ? limit.Single() : null);
        }
    }

    /// <summary>Both hosts have counted two hosts alive in Redis: what they divide the limits by when it goes.</summary>
    private Task BothSeeTwoHostsAsync() => HostPair.UntilAsync(() => Task.FromResult(
        hosts.A.Services.GetRequiredService<LiveHosts>().LastKnown == 2 && hosts.B.Services.GetRequiredService<LiveHosts>().LastKnown == 2),
        Limit, "both hosts see two hosts");

    private async Task<HttpClient> KnownToBAsync(string key)
    {
        var onB = HostPair.Caller(hosts.B, key);
        await HostPair.UntilAsync(async () => (await onB.GetAsync("/v1/models")).IsSuccessStatusCode, Limit, "key known to B");
        return onB;
    }

    private static string Models(int perMinute) =>
        $$"""[{"slug":"{{Slug}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":{{perMinute}}}]}]""";

    private sealed record Answer(string Host, int Status, string? Limits, string? Limit);
}
