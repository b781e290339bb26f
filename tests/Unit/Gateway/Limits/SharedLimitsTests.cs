using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>
/// Limits stay exact across hosts: two real hosts on one PostgreSQL and one Redis, counting in Redis
/// (<c>Limits:Store=Redis</c>), the callers spread over both at once.
/// </summary>
public sealed class SharedLimitsTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const string Slug = InferenceHelpers.SimulatedSlug;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private HostPair hosts = null!;

    public Task InitializeAsync()
    {
        hosts = HostPair.Start(new Dictionary<string, string>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Limits:Store"] = "Redis",
        }, DataProvider.Postgres);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await hosts.DisposeAsync();

    [Fact]
    public async Task RequestsPerMinute_TwoHundredCallersOverTwoHosts_AdmitExactlyFifty()
    {
        var (group, key) = await hosts.A.CustomerAsync("shared-minute", Models(rate: """{"type":"REQUEST","unit":"MINUTE","threshold":50}"""));
        using var onA = HostPair.Caller(hosts.A, key);
        using var onB = await KnownToBAsync(key);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? onA : onB).ChatAsync().StatusAsync()));

        Assert.Equal(50, statuses.Count(s => s == 200));
        Assert.Equal(150, statuses.Count(s => s == 429));
        Assert.Equal(50, (await hosts.A.EventsAsync(group, 50)).Count);
    }

    [Fact]
    public async Task RequestsPerDay_CallersOverTwoHosts_AdmitExactlyThirty_CountedForEveryHostAndTheTable()
    {
        var (group, key) = await hosts.A.CustomerAsync("shared-day", Models(usage: """{"type":"REQUEST","unit":"DAY","threshold":30}"""));
        using var onA = HostPair.Caller(hosts.A, key);
        using var onB = await KnownToBAsync(key);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? onA : onB).ChatAsync().StatusAsync()));

        Assert.Equal(30, statuses.Count(s => s == 200));
        Assert.Equal(70, statuses.Count(s => s == 429));
        // Each host's usage API reads the shared counter, whichever host counted the calls.
        foreach (var host in new[] { hosts.A, hosts.B })
        {
            var (_, usage) = await host.Client().GetJsonAsync($"/v1/gateway/groups/{group}/usage");
            Assert.Equal(30, usage!["usage"]![Slug]![0]!["current_usage"]!.GetValue<long>());
        }
        // And the table that restarts load (and that an empty Redis is rebuilt from) gets the day's total.
        await HostPair.UntilAsync(async () => await StoredAsync(group, LimitType.Request) == 30, Limit, "the day's total stored");
    }

    [Fact]
    public async Task CascadingPool_ChildrenCallingThroughDifferentHosts_NeverPassTheParentsLimit()
    {
        var admin = hosts.A.Client();
        var parent = await admin.CreateGroupAsync("shared-pool", "CASCADING",
            models: Models(rate: """{"type":"REQUEST","unit":"MINUTE","threshold":30}"""));
        // Over-provisioned: 20 each under a pool of 30.
        var child = Models(rate: """{"type":"REQUEST","unit":"MINUTE","threshold":20}""");
        var (_, first) = await hosts.A.CustomerAsync("shared-pool-a", child, "CASCADING", parent);
        var (_, second) = await hosts.A.CustomerAsync("shared-pool-b", child, "CASCADING", parent);
        using var firstOnA = HostPair.Caller(hosts.A, first);
        using var secondOnB = await KnownToBAsync(second);

        var calls = await Task.WhenAll(Enumerable.Range(0, 120).Select(async i =>
            (First: i % 2 == 0, Status: await (i % 2 == 0 ? firstOnA : secondOnB).ChatAsync().StatusAsync())));

        var a = calls.Count(c => c.First && c.Status == 200);
        var b = calls.Count(c => !c.First && c.Status == 200);
        Assert.Equal(30, a + b);
        Assert.InRange(a, 10, 20);
        Assert.InRange(b, 10, 20);
        Assert.All(calls, c => Assert.Contains(c.Status, new[] { 200, 429 }));
    }

    private static string Models(string rate = "", string usage = "") =>
        $$"""[{"slug":"{{Slug}}","rate_limits":[{{rate}}],"usage_limits":[{{usage}}]}]""";

    /// <summary>A caller of B once B has heard of the key minted through A (the cheapest call, which counts nowhere).</summary>
    private async Task<HttpClient> KnownToBAsync(string key)
    {
        var onB = HostPair.Caller(hosts.B, key);
        await HostPair.UntilAsync(async () => (await onB.GetAsync("/v1/models")).IsSuccessStatusCode, Limit, "key known to B");
        return onB;
    }

    private Task<long?> StoredAsync(string group, LimitType type) => hosts.A.QueryAsync(db => db.DailyUsage
        .Where(u => u.GroupId == group && u.Slug == Slug && u.Type == type).Select(u => (long?)u.Value).SingleOrDefaultAsync());
}
