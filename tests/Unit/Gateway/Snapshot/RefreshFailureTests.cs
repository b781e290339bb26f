using System.Net;
using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>
/// A management write whose snapshot refresh fails after its commit: the caller gets its 200 (the write is in the
/// database, and a retry would make it twice), and the change journal's catch-up puts it in force.
/// </summary>
public sealed class RefreshFailureTests
{
    [Fact]
    public async Task Writes_RefreshFailsAfterTheCommit_AreAnsweredAndTheNextCatchUpAppliesThem()
    {
        await using var factory = new FailingRefreshFactory();
        // No resync during the test: the catch-up is the test's own.
        factory.Settings["Gateway:ResyncSeconds"] = "86400";
        var sut = factory.Client();
        var store = factory.Services.GetRequiredService<SnapshotStore>();
        var parent = await sut.CreateGroupAsync("refresh-parent");
        factory.Refresh.Failing = true;

        var child = await sut.PostAsync("/v1/gateway/groups", $$"""
            {"metadata":{"external_entity_id":"refresh-child"},"models":[{"slug":"refresh/m"}],"hierarchy":{"parent_group_id":"{{parent}}" } }
            """);
        var limits = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{parent}", """
            {"models":[{"slug":"refresh/m","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":7}]}]}
            """);
        var key = await sut.PostAsync($"/v1/gateway/groups/{parent}/api_keys", """{"name":"refresh"}""");
        var endpoint = await sut.PostAsync("/v1/gateway/endpoints", """{"slug":"refresh/m","targets":[{"provider":"SIMULATED"}]}""");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK],
            new[] { child.Status, limits.Status, key.Status, endpoint.Status });
        var (childId, apiKey) = (child.Body!["id"]!.GetValue<string>(), key.Body!["api_key"]!.GetValue<string>());
        var prefix = apiKey[..16];
        Assert.True(await factory.QueryAsync(db => db.Groups.AnyAsync(g => g.Id == childId)));
        Assert.True(await factory.QueryAsync(db => db.CustomerApiKeys.AnyAsync(k => k.Prefix == prefix)));
        Assert.True(await factory.QueryAsync(db => db.Endpoints.AnyAsync(e => e.Slug == "refresh/m")));
        Assert.Equal(7, await factory.QueryAsync(db => db.ModelLimits.Where(l => db.GroupModels
            .Any(m => m.Id == l.GroupModelId && m.GroupId == parent)).Select(l => l.Threshold).SingleAsync()));
        // The refreshes did fail: nothing of the writes is in the snapshot yet.
        Assert.False(store.Current.Keys.ContainsKey(prefix));
        Assert.False(store.Current.Groups.ContainsKey(childId));
        Assert.False(store.Current.Endpoints.ContainsKey("refresh/m"));
        var warnings = factory.Logged.Messages.Where(m => m.Contains("the next catch-up", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, warnings.Count);
        Assert.DoesNotContain(factory.Logged.Messages, m => m.Contains(apiKey[17..], StringComparison.Ordinal));

        factory.Refresh.Failing = false;
        await store.CatchUpAsync(CancellationToken.None);

        Assert.True(store.Current.Keys.ContainsKey(prefix));
        Assert.True(store.Current.Groups.ContainsKey(childId));
        Assert.Equal(7, store.Current.Groups[parent].Find("refresh/m")!.Rules.Single().Threshold);
        Assert.True(store.Current.Endpoints.ContainsKey("refresh/m"));
    }

    [Fact]
    public async Task Revoke_RefreshFailsAfterTheCommit_KeyIsRefusedAtOnce()
    {
        await using var factory = new FailingRefreshFactory();
        factory.Settings["Gateway:ResyncSeconds"] = "86400";
        var (group, key) = await factory.CustomerAsync("refresh-revoke");
        var (other, otherKey) = await factory.CustomerAsync("refresh-revoke-other");
        using var caller = factory.Caller(key);
        using var otherCaller = factory.Caller(otherKey);
        Assert.Equal(200, await caller.GetAsync("/v1/models").StatusAsync());
        factory.Refresh.Failing = true;

        var (revoked, _) = await factory.Client().SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}/api_keys/{key[..16]}");
        var (deleted, _) = await factory.Client().SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{other}");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], new[] { revoked, deleted });
        Assert.Equal(401, await caller.GetAsync("/v1/models").StatusAsync());
        Assert.Equal(401, await otherCaller.GetAsync("/v1/models").StatusAsync());
    }

    [Fact]
    public async Task CatchUp_RefreshFailsAfterTheJournalIsRead_TheNextCatchUpAppliesTheEntries()
    {
        await using var factory = new FailingRefreshFactory { Resync = false };
        factory.Settings["Gateway:ResyncSeconds"] = "86400";
        var store = factory.Services.GetRequiredService<SnapshotStore>();
        var group = await factory.Client().CreateGroupAsync("refresh-catch-up");
        var (_, live) = await factory.Client().PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}");
        var livePrefix = live!["api_key"]!.GetValue<string>()[..16];
        factory.Refresh.Failing = true;
        var (status, body) = await factory.Client().PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}");
        var prefix = body!["api_key"]!.GetValue<string>()[..16];
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(store.Current.Keys.ContainsKey(prefix));

        // The journal's read succeeds; the refresh of what it lists fails.
        factory.Refresh.FailAfter(1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CatchUpAsync(CancellationToken.None));
        // The failed refresh listed the live key's mint too: the key is kept as it was, not refused.
        Assert.True(store.Current.Keys.ContainsKey(livePrefix));
        factory.Refresh.Failing = false;
        await store.CatchUpAsync(CancellationToken.None);

        Assert.True(store.Current.Keys.ContainsKey(prefix));
    }

    [Fact]
    public async Task Change_RefreshFails_IsInForceOnceTheDatabaseAnswersWithoutWaitingForTheResyncPeriod()
    {
        await using var factory = new FailingRefreshFactory();
        // Neither a period nor a whole read during the test: only the catch-up the failure asks for.
        factory.Settings["Gateway:ResyncSeconds"] = "86400";
        factory.Settings["Gateway:FullResyncMinutes"] = "1000000";
        var store = factory.Services.GetRequiredService<SnapshotStore>();
        var group = await factory.Client().CreateGroupAsync("refresh-soon");
        factory.Refresh.Failing = true;
        var (status, body) = await factory.Client().PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}");
        var key = body!["api_key"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, status);
        using var caller = factory.Caller(key);
        Assert.Equal(401, await caller.GetAsync("/v1/models").StatusAsync());
        Assert.Equal("Degraded", await SnapshotReadinessAsync(factory));

        // The resync tries at once, then after 1 s, 2 s, ...: the database answering again is met within seconds.
        await Task.Delay(1500);
        factory.Refresh.Failing = false;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!store.Current.Keys.ContainsKey(key[..16]) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(200, await caller.GetAsync("/v1/models").StatusAsync());
        Assert.Equal("Healthy", await SnapshotReadinessAsync(factory));
    }

    private static async Task<string> SnapshotReadinessAsync(GatewayFactory factory)
    {
        var (status, ready) = await factory.CreateClient().GetJsonAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, status);
        return ready!["checks"]!["snapshot"]!["status"]!.GetValue<string>();
    }

    [Fact]
    public async Task CatchUpAfterABusOutage_Fails_ReadinessDegradedUntilTheResyncCatchesUp()
    {
        await using var factory = new FailingRefreshFactory();
        factory.Settings["Gateway:ResyncSeconds"] = "86400";
        factory.Settings["Gateway:FullResyncMinutes"] = "1000000";
        _ = factory.Client();
        var bus = factory.Services.GetRequiredService<DataChanges>();
        factory.Refresh.Failing = true;

        // What a shared bus delivers when its connection comes back: catch up with everything this host may have missed.
        await Assert.ThrowsAsync<InvalidOperationException>(() => bus.DeliverAsync(ChangeSet.Everything, CancellationToken.None));
        var degraded = await SnapshotReadinessAsync(factory);
        factory.Refresh.Failing = false;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await SnapshotReadinessAsync(factory) != "Healthy" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal("Degraded", degraded);
        Assert.Equal("Healthy", await SnapshotReadinessAsync(factory));
    }

    [Fact]
    public async Task RefreshFails_ResyncDueForAWholeRead_ReadsItOnceNotOverAndOver()
    {
        await using var factory = new FailingRefreshFactory();
        // Every resync is a whole read (the period is past the whole read's), and the period is a day.
        factory.Settings["Gateway:ResyncSeconds"] = "86400";
        factory.Settings["Gateway:FullResyncMinutes"] = "1";
        factory.Settings["Logging:LogLevel:FrontierGateway.Gateway.Snapshot"] = "Information";
        var store = factory.Services.GetRequiredService<SnapshotStore>();
        var group = await factory.Client().CreateGroupAsync("refresh-whole");
        int WholeReads() => factory.Logged.Messages.Count(m => m.Contains("Snapshot read whole", StringComparison.Ordinal));
        var before = WholeReads();
        factory.Refresh.FailNext(1);

        var (status, body) = await factory.Client().PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}");
        var prefix = body!["api_key"]!.GetValue<string>()[..16];
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!store.Current.Keys.ContainsKey(prefix) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        await Task.Delay(2000);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(store.Current.Keys.ContainsKey(prefix));
        Assert.Equal(1, WholeReads() - before);
    }

    /// <summary>The host, its snapshot reading the database through <see cref="FailingContexts"/>.</summary>
    private sealed class FailingRefreshFactory : GatewayFactory
    {
        public FailingContexts Refresh { get; private set; } = null!;

        /// <summary>False: no <see cref="SnapshotResync"/>, every catch-up is the test's own.</summary>
        public bool Resync { get; init; } = true;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton(sp =>
                {
                    Refresh = new FailingContexts(sp.GetRequiredService<IDbContextFactory<FrontierDbContext>>());
                    return new SnapshotLoader(Refresh, sp.GetRequiredService<EndpointService>());
                });
                if (!Resync)
                {
                    services.Remove(services.Single(d => d.ImplementationType == typeof(SnapshotResync)));
                }
            });
        }
    }

    /// <summary>The host's contexts, refused while <see cref="Failing"/>: a database the snapshot cannot read.</summary>
    private sealed class FailingContexts(IDbContextFactory<FrontierDbContext> contexts) : IDbContextFactory<FrontierDbContext>
    {
        /// <summary>How many more contexts are handed out before refusals begin.</summary>
        private int allowed = int.MaxValue;

        /// <summary>How many are refused once they begin; the ones after are handed out again.</summary>
        private int refusals;

        public bool Failing
        {
            set => Set(value ? 0 : int.MaxValue, value ? int.MaxValue : 0);
        }

        /// <summary>Hands out <paramref name="count"/> more contexts, then refuses every one.</summary>
        public void FailAfter(int count) => Set(count, int.MaxValue);

        /// <summary>Refuses the next <paramref name="count"/> contexts only.</summary>
        public void FailNext(int count) => Set(0, count);

        public FrontierDbContext CreateDbContext() =>
            Interlocked.Decrement(ref allowed) < 0 && Interlocked.Decrement(ref refusals) >= 0
                ? throw new InvalidOperationException("the test's database refused the snapshot's read")
                : contexts.CreateDbContext();

        private void Set(int allow, int refuse)
        {
            Volatile.Write(ref refusals, refuse);
            Volatile.Write(ref allowed, allow);
        }
    }
}
