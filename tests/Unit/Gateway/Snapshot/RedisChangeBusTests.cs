using FrontierGateway.Data;
using System.Net;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Xunit.Abstractions;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>
/// Changes made through one host reach the other over Redis pub/sub: two real hosts on one database and one Redis.
/// The resync is set far out, so that what is measured is the bus.
/// </summary>
public sealed class RedisChangeBusTests(RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const string Slug = InferenceHelpers.SimulatedSlug;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private HostPair hosts = null!;

    public Task InitializeAsync()
    {
        hosts = HostPair.Start(new Dictionary<string, string>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Gateway:ResyncSeconds"] = "3600",
        }, DataProvider.Postgres);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await hosts.DisposeAsync();

    [Fact]
    public async Task KeyRevokedThroughA_IsRefusedByB_OnceTheChangeArrives()
    {
        const int changes = 20;
        var admin = hosts.A.Client();
        var (group, _) = await hosts.A.CustomerAsync("bus-revoke");
        var minted = new List<TimeSpan>();
        var revoked = new List<TimeSpan>();

        for (var i = 0; i < changes; i++)
        {
            var (_, body) = await admin.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}");
            var key = body!["api_key"]!.GetValue<string>();
            using var onB = HostPair.Caller(hosts.B, key);
            minted.Add(await HostPair.UntilAsync(async () => await StatusAsync(onB) == HttpStatusCode.OK, Limit, "key minted on A known to B"));

            var (status, _) = await admin.SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}/api_keys/{body["prefix"]}");
            Assert.Equal(HttpStatusCode.OK, status);
            revoked.Add(await HostPair.UntilAsync(async () => await StatusAsync(onB) == HttpStatusCode.Unauthorized, Limit, "key revoked on A refused by B"));
        }

        output.WriteLine($"From A's answer to B acting on it, over {changes} changes each:");
        output.WriteLine($"  key minted:  {Summary(minted)}");
        output.WriteLine($"  key revoked: {Summary(revoked)}");
        // The bound is generous (a loaded test machine); it is far below the resync, which is an hour here.
        Assert.True(Percentile(revoked, 0.99) < TimeSpan.FromSeconds(5), Summary(revoked));
    }

    [Fact]
    public async Task LimitRaisedThroughA_IsAppliedByB()
    {
        var (group, key) = await hosts.A.CustomerAsync("bus-limit", Models(1));
        using var onB = HostPair.Caller(hosts.B, key);
        await HostPair.UntilAsync(async () => await StatusAsync(onB) == HttpStatusCode.OK, Limit, "key known to B");
        var first = await onB.ChatAsync().StatusAsync();
        var second = await onB.ChatAsync().StatusAsync();

        var (status, _) = await hosts.A.Client().SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{group}", $$"""{"models":{{Models(100)}}}""");
        var applied = await HostPair.UntilAsync(async () => await onB.ChatAsync().StatusAsync() == 200, Limit, "raised limit applied by B");

        Assert.Equal((200, 429), (first, second));
        Assert.Equal(HttpStatusCode.OK, status);
        output.WriteLine($"Raised limit applied by B {applied.TotalMilliseconds:F1} ms after A's answer.");
    }

    private static string Models(int perMinute) =>
        $$"""[{"slug":"{{Slug}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":{{perMinute}}}]}]""";

    /// <summary>The cheapest authenticated call: it touches no counter and writes no usage.</summary>
    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/v1/models");
        return response.StatusCode;
    }

    private static string Summary(List<TimeSpan> delays) =>
        $"p50 {Percentile(delays, 0.5).TotalMilliseconds:F1} ms, p99 {Percentile(delays, 0.99).TotalMilliseconds:F1} ms, max {delays.Max().TotalMilliseconds:F1} ms";

    private static TimeSpan Percentile(List<TimeSpan> delays, double quantile)
    {
        var sorted = delays.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
