using System.Net;
using System.Text.Json.Nodes;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>
/// A host whose first whole read outlasts <c>Gateway:StartupWaitSeconds</c> (here 0, the read held by a gate on one of
/// its queries) listens all the same: a key not read yet is read with its group on its first call, and enforced.
/// </summary>
public sealed class SnapshotWarmingTests
{
    private const string Slug = InferenceHelpers.SimulatedSlug;

    [Theory]
    [InlineData(DataProvider.Sqlite)]
    [InlineData(DataProvider.Postgres)]
    public async Task Start_ReadStillRunning_ServesAKeyNotReadYetWithItsLimitsAndKeepsTheCountOnceLoaded(DataProvider provider)
    {
        await using var data = new SharedData(provider);
        var (group, key) = await data.SeedAsync(async first =>
            await first.CustomerAsync("warm", $$"""[{"slug":"{{Slug}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":3}],"usage_limits":[]}]"""));
        var gate = new WholeReadGate();
        await using var second = data.Second();
        await using var host = Warming(second, gate);
        var store = host.Services.GetRequiredService<SnapshotStore>();
        var caller = Caller(host, key);

        var (readyWhileReading, readiness) = await host.CreateClient().GetJsonAsync("/readyz");
        var warming = (store.IsWarming, store.IsLoaded, store.Current.Keys.Count);
        var before = new[] { await caller.ChatAsync().StatusAsync(), await caller.ChatAsync().StatusAsync() };
        var readsForTheKey = gate.KeyReads;
        var unknown = await Caller(host, "nosuchkey0000000.nosuchsecret0000000000000000000000").ChatAsync().StatusAsync();
        var unknownAgain = await Caller(host, "nosuchkey0000000.nosuchsecret0000000000000000000000").ChatAsync().StatusAsync();
        var wrongSecret = await Caller(host, key[..17] + new string('x', key.Length - 17)).ChatAsync().StatusAsync();
        var readsForTheRest = gate.KeyReads - readsForTheKey;
        var (modelsStatus, models) = await caller.GetJsonAsync("/v1/models");
        var readKeys = store.Current.Keys.Count;
        gate.Open();
        await WaitAsync(() => store.IsLoaded);
        var after = new[] { await caller.ChatAsync().StatusAsync(), await caller.ChatAsync().StatusAsync() };
        var (readyAfter, loaded) = await host.CreateClient().GetJsonAsync("/readyz");

        Assert.Equal((true, false, 0), warming);
        Assert.Equal(1, readKeys);
        Assert.Equal(HttpStatusCode.OK, readyWhileReading);
        Assert.Equal("Degraded", readiness!["checks"]!["snapshot"]!["status"]!.GetValue<string>());
        Assert.Equal([200, 200], before);
        Assert.Equal((401, 401, 401), (unknown, unknownAgain, wrongSecret));
        // The unknown key is read once, then remembered as absent; the known key with a wrong secret is not read again.
        Assert.Equal((1, 1), (readsForTheKey, readsForTheRest));
        Assert.Equal(HttpStatusCode.OK, modelsStatus);
        Assert.Equal(Slug, models!["data"]![0]!["id"]!.GetValue<string>());
        // The third call of the minute is admitted and the fourth refused, across the swap to the whole read.
        Assert.Equal([200, 429], after);
        Assert.Equal(HttpStatusCode.OK, readyAfter);
        Assert.Equal("Healthy", loaded!["checks"]!["snapshot"]!["status"]!.GetValue<string>());
        Assert.True(store.Current.Groups.ContainsKey(group));
        Assert.True(gate.Held >= 1, "the whole read was not the one held");
    }

    [Theory]
    [InlineData(DataProvider.Sqlite)]
    [InlineData(DataProvider.Postgres)]
    public async Task Warming_AnAncestorOfAKeysGroupChanges_ItsPolicyIsReadAgainBeforeTheWholeReadEnds(DataProvider provider)
    {
        await using var data = new SharedData(provider);
        var (parent, child, key) = await data.SeedAsync(async first =>
        {
            var parent = await first.Client().CreateGroupAsync("warm-parent", "CASCADING",
                models: $$"""[{"slug":"{{Slug}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":100}],"usage_limits":[]}]""");
            var middle = await first.Client().CreateGroupAsync("warm-middle", "CASCADING", parent, $$"""[{"slug":"{{Slug}}"}]""");
            var (child, key) = await first.CustomerAsync("warm-child", $$"""[{"slug":"{{Slug}}"}]""", "CASCADING", middle);
            return (parent, child, key);
        });
        var gate = new WholeReadGate();
        await using var second = data.Second();
        await using var host = Warming(second, gate);
        var store = host.Services.GetRequiredService<SnapshotStore>();
        // The Redis counters' names and the daily totals raised at start need the root of groups no call has read.
        var roots = (store.Current.Groups.ContainsKey(child), store.RootOf(child), store.RootOf("grp_nosuchgroup"));
        Assert.Equal(200, await Caller(host, key).ChatAsync().StatusAsync());

        var manager = host.CreateClient();
        manager.DefaultRequestHeaders.Authorization = new("Api-Key", GatewayFactory.ManageKey);
        var (patched, _) = await manager.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{parent}",
            $$"""{"models":[{"slug":"{{Slug}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":1}],"usage_limits":[]}]}""");
        var rules = store.Current.Groups[child].Find(Slug)!.Rules;
        var warming = store.IsWarming;
        var refused = await Caller(host, key).ChatAsync().StatusAsync();
        gate.Open();

        Assert.Equal((false, parent, (string?)null), roots);
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.True(warming);
        Assert.Contains(rules, r => r.SourceGroupId == parent && r.Threshold == 1);
        Assert.Equal(429, refused);
    }

    [Fact]
    public async Task Warming_AKeyMintedMeanwhileOfAGroupNotReadYet_IsServed()
    {
        await using var data = new SharedData(DataProvider.Sqlite);
        var (group, _) = await data.SeedAsync(first => first.CustomerAsync("warm-mint"));
        var gate = new WholeReadGate();
        await using var second = data.Second();
        await using var host = Warming(second, gate);
        var manager = host.CreateClient();
        manager.DefaultRequestHeaders.Authorization = new("Api-Key", GatewayFactory.ManageKey);

        var (_, minted) = await manager.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}");
        var key = minted!["api_key"]!.GetValue<string>();
        var store = host.Services.GetRequiredService<SnapshotStore>();
        var before = (store.IsWarming, store.Current.Keys.ContainsKey(key[..16]), store.Current.Groups.ContainsKey(group));
        var status = await Caller(host, key).ChatAsync().StatusAsync();
        gate.Open();

        Assert.Equal((true, true, false), before);
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Warming_AKeyWhoseGroupIsDeleted_Is401AndItsGroupReadOnce()
    {
        await using var data = new SharedData(DataProvider.Sqlite);
        var (_, key) = await data.SeedAsync(async first =>
        {
            var customer = await first.CustomerAsync("warm-orphan");
            // The key's row left live under a deleted group, as a hand-made edit could leave it.
            await first.QueryAsync(db => db.Groups.IgnoreQueryFilters().Where(g => g.Id == customer.Group)
                .ExecuteUpdateAsync(g => g.SetProperty(x => x.DeletedAt, DateTime.UtcNow)));
            return customer;
        });
        var gate = new WholeReadGate();
        await using var second = data.Second();
        await using var host = Warming(second, gate);

        var statuses = new[] { await Caller(host, key).ChatAsync().StatusAsync(), await Caller(host, key).ChatAsync().StatusAsync() };
        var groupReads = gate.GroupReads;
        gate.Open();

        Assert.Equal([401, 401], statuses);
        Assert.Equal(1, groupReads);
    }

    [Fact]
    public async Task Warming_TheKeysQueryFails_Answers503NotAnError500AndThenServes()
    {
        await using var data = new SharedData(DataProvider.Sqlite);
        var (_, key) = await data.SeedAsync(first => first.CustomerAsync("warm-fail"));
        var gate = new WholeReadGate { FailOneKeyRead = true };
        await using var second = data.Second();
        await using var host = Warming(second, gate);
        var caller = Caller(host, key);

        using var failed = await caller.ChatAsync();
        var body = JsonNode.Parse(await failed.Content.ReadAsStringAsync());
        var retried = await caller.ChatAsync().StatusAsync();
        gate.Open();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("gateway_starting", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(200, retried);
        Assert.Contains(second.Logged.Messages, m => m.Contains("first whole read runs failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Warming_TheWholeReadFails_IsTriedAgainUntilLoaded()
    {
        await using var data = new SharedData(DataProvider.Sqlite);
        var (_, key) = await data.SeedAsync(first => first.CustomerAsync("warm-retry"));
        var gate = new WholeReadGate { FailHeldReads = 3 };
        await using var second = data.Second();
        await using var host = Warming(second, gate);
        var store = host.Services.GetRequiredService<SnapshotStore>();
        var (readyAtFirst, _) = await host.CreateClient().GetJsonAsync("/readyz");

        gate.Open();
        // Tried again 2 s, then 4 s after each failure; after the third the host leaves the rotation, and then loads.
        await WaitAsync(() => store.FirstReadFailures == 3);
        var (readyAfterThree, body) = await host.CreateClient().GetJsonAsync("/readyz");
        await WaitAsync(() => store.IsLoaded);
        var (readyLoaded, _) = await host.CreateClient().GetJsonAsync("/readyz");

        Assert.Equal(4, gate.Held);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK), (readyAtFirst, readyAfterThree, readyLoaded));
        Assert.Equal("Unhealthy", body!["checks"]!["snapshot"]!["status"]!.GetValue<string>());
        Assert.Contains(second.Logged.Messages, m => m.Contains("first whole read failed (attempt 3)", StringComparison.Ordinal));
        Assert.True(store.Current.Keys.ContainsKey(key[..16]));
    }

    [Fact]
    public async Task Start_ReadEndsWithinTheWait_ListensWithTheWholeSnapshot()
    {
        await using var data = new SharedData(DataProvider.Sqlite);
        var (_, key) = await data.SeedAsync(first => first.CustomerAsync("warm-none"));
        await using var second = data.Second();
        // Not the factory's 60 s: a wait well past a small database's read, short of a test's patience.
        second.Settings["Gateway:StartupWaitSeconds"] = "10";

        var store = second.Services.GetRequiredService<SnapshotStore>();

        Assert.True(store.IsLoaded);
        Assert.False(store.IsWarming);
        Assert.True(store.Current.Keys.ContainsKey(key[..16]));
    }

    /// <summary>The host of <paramref name="factory"/>, listening at once, its keys' whole read held by <paramref name="gate"/>.</summary>
    private static WebApplicationFactory<Program> Warming(GatewayFactory factory, WholeReadGate gate)
    {
        factory.Settings["Gateway:StartupWaitSeconds"] = "0";
        factory.Settings["Logging:LogLevel:FrontierGateway.Gateway.Snapshot"] = "Information";
        var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.ConfigureDbContext<FrontierDbContext>(options => options.AddInterceptors(gate))));
        _ = host.Services;
        return host;
    }

    private static HttpClient Caller(WebApplicationFactory<Program> host, string key)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    private static async Task WaitAsync(Func<bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!done() && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }
        Assert.True(done(), "timed out");
    }
}
