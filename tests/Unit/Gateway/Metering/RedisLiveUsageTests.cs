using FrontierGateway.Data;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>The live view of a fleet: two real hosts on one database and one Redis.</summary>
public sealed class RedisLiveUsageTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const string Slug = InferenceHelpers.SimulatedSlug;
    private HostPair hosts = null!;

    public Task InitializeAsync()
    {
        hosts = HostPair.Start(new Dictionary<string, string> { ["Redis:Configuration"] = redis.Configuration }, DataProvider.Postgres);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await hosts.DisposeAsync();

    [Fact]
    public async Task Query_OnA_IncludesTheCallsMadeOnB()
    {
        var (group, key) = await hosts.A.CustomerAsync("live-fleet");
        using var onA = HostPair.Caller(hosts.A, key);
        using var onB = HostPair.Caller(hosts.B, key);
        await HostPair.UntilAsync(async () => (await onB.GetAsync("/v1/models")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "key known to B");
        var sut = hosts.A.Services.GetRequiredService<ILiveUsageSource>();
        var filter = new LiveFilter(group, Slug);

        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await (i < 2 ? onA : onB).ChatAsync().StatusAsync());
        }
        await HostPair.UntilAsync(() => Task.FromResult(sut.Query(filter, 60).Requests.Sum() >= 5), TimeSpan.FromSeconds(10),
            "B's calls in A's live view");

        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(5, sut.Query(filter, 60).Requests.Sum());
        Assert.True(sut.Query(LiveFilter.Workspace, 60).Requests.Sum() >= 5);
        // A saw two calls itself: the other three came from B.
        Assert.Equal(2, hosts.A.Services.GetRequiredService<LiveUsage>().Query(filter, 60).Requests.Sum());
        var tokens = (await hosts.A.EventsAsync(group, 5)).Sum(e => e.InputTokens + e.OutputTokens);
        await HostPair.UntilAsync(() => Task.FromResult(sut.Query(filter, 60).Totals.TokensPerMinute == tokens), TimeSpan.FromSeconds(10),
            "every host's tokens in A's live view");
    }
}
