using System.Net;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>
/// Revocation on the very next request on every host: two real hosts on one PostgreSQL and one Redis
/// (<c>Limits:Store=Redis</c>). Host B is made deaf to the change bus once it knows the key, and its resync is an hour
/// away, so its snapshot keeps the key: only the revocation marker that host A wrote can refuse it.
/// </summary>
public sealed class SharedRevocationTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private HostPair hosts = null!;

    public Task InitializeAsync()
    {
        hosts = HostPair.Start(new Dictionary<string, string>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Limits:Store"] = "Redis",
            ["Gateway:ResyncSeconds"] = "3600",
        }, DataProvider.Postgres);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await hosts.DisposeAsync();

    [Fact]
    public async Task RevokedKey_ThroughHostA_IsRefusedByHostBOnItsNextRequest()
    {
        var (group, key) = await hosts.A.CustomerAsync("revoke-key");
        using var onB = await DeafBAsync(key);

        var (revoked, _) = await hosts.A.Client().SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}/api_keys/{key[..16]}");
        using var refused = await onB.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, revoked);
        await AssertUnknownKeyAsync(refused, key);
    }

    [Fact]
    public async Task RevokedKey_ThroughHostA_IsRefusedByHostBsModelList()
    {
        var (group, key) = await hosts.A.CustomerAsync("revoke-models");
        using var onB = await DeafBAsync(key);

        var (revoked, _) = await hosts.A.Client().SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}/api_keys/{key[..16]}");
        using var refused = await onB.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, revoked);
        await AssertUnknownKeyAsync(refused, key);
    }

    [Fact]
    public async Task DeletedGroup_ThroughHostA_IsRefusedByHostBOnItsNextRequest()
    {
        var (group, key) = await hosts.A.CustomerAsync("revoke-group");
        using var onB = await DeafBAsync(key);

        var (deleted, _) = await hosts.A.Client().SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}");
        using var refused = await onB.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, deleted);
        await AssertUnknownKeyAsync(refused, key);
    }

    /// <summary>A caller of B, which has served the key once and then hears no more of the change bus.</summary>
    private async Task<HttpClient> DeafBAsync(string key)
    {
        var onB = await hosts.CallerKnownToBAsync(key);
        Assert.Equal(200, await onB.ChatAsync().StatusAsync());
        await hosts.B.Services.GetRequiredService<IConnectionMultiplexer>().GetSubscriber().UnsubscribeAsync(RedisChangeBus.Channel);
        return onB;
    }

    /// <summary>The 401 of a key B does not know, though B's snapshot still has it.</summary>
    private async Task AssertUnknownKeyAsync(HttpResponseMessage refused, string key)
    {
        var error = await refused.AssertOpenAIErrorAsync(HttpStatusCode.Unauthorized, null);
        Assert.Equal("invalid_api_key", error["code"]!.GetValue<string>());
        Assert.True(hosts.B.Services.GetRequiredService<SnapshotStore>().Current.Keys.TryGetValue(key[..16], out _),
            "B's snapshot no longer has the key: the test would not show the marker at work.");
    }
}
