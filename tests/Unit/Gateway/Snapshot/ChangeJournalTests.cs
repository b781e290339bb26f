using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using FrontierGateway.Gateway;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>
/// A host that heard no change at all (no bus between it and the host that wrote them) and catches up with the change
/// journal holds what reading everything again would give.
/// </summary>
public sealed class ChangeJournalTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task CatchUpAsync_RandomChangesItNeverHeardOf_EqualsTheSnapshotLoadedWhole(int seed)
    {
        await using var factory = Host();
        var loader = factory.Services.GetRequiredService<SnapshotLoader>();
        var sut = await DeafStoreAsync(factory);
        var random = new Random(seed);
        var changes = new RandomChanges(factory.Services, random);
        var caughtUp = 0;

        for (var step = 0; step < 150; step++)
        {
            var what = await changes.StepAsync();
            if (random.Next(4) > 0 && step < 149)
            {
                continue;
            }
            await sut.CatchUpAsync(CancellationToken.None);
            caughtUp++;
            var expected = SnapshotText.Of(await SnapshotText.LoadWholeAsync(loader), changes.GroupIds);
            var actual = SnapshotText.Of(sut.Current, changes.GroupIds);
            Assert.True(expected == actual, $"Seed {seed}, step {step} ({what}):\n{SnapshotText.Difference(expected, actual)}");
        }

        Assert.InRange(caughtUp, 20, 150);
        Assert.All(new[] { "root", "child", "limits", "delete", "mint", "revoke", "endpoint" },
            kind => Assert.True(changes.Done.GetValueOrDefault(kind) > 0, $"no {kind} carried out"));
    }

    [Fact]
    public async Task CatchUpAsync_AfterAWholeReadThatChangesRaced_HoldsThem()
    {
        await using var factory = Host();
        var loader = factory.Services.GetRequiredService<SnapshotLoader>();
        var sut = await DeafStoreAsync(factory);
        var changes = new RandomChanges(factory.Services, new Random(7));

        for (var round = 0; round < 30; round++)
        {
            // Nothing tells this store of the changes made while it reads: only the journal, read again from a
            // little before the read, does.
            var reload = sut.ReloadAsync(CancellationToken.None);
            var what = $"{await changes.StepAsync()}, {await changes.StepAsync()}";
            await reload;
            await sut.CatchUpAsync(CancellationToken.None);

            var expected = SnapshotText.Of(await SnapshotText.LoadWholeAsync(loader), changes.GroupIds);
            var actual = SnapshotText.Of(sut.Current, changes.GroupIds);
            Assert.True(expected == actual, $"Round {round} ({what}):\n{SnapshotText.Difference(expected, actual)}");
        }
    }

    [Fact]
    public async Task CatchUpAsync_NothingNew_ReadsNoGroupAndKeepsTheSnapshot()
    {
        await using var factory = Host();
        var sut = await DeafStoreAsync(factory);
        var changes = new RandomChanges(factory.Services, new Random(3));
        for (var step = 0; step < 20; step++)
        {
            await changes.StepAsync();
        }
        await sut.CatchUpAsync(CancellationToken.None);
        var before = sut.Current;

        await sut.CatchUpAsync(CancellationToken.None);

        Assert.Same(before, sut.Current);
    }

    [Fact]
    public async Task Services_EachChange_WriteOneJournalEntryWithTheChange()
    {
        await using var factory = Host();
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        // What the host wrote as it started (its development seed).
        var before = await db.Changes.MaxAsync(c => (long?)c.Id) ?? 0;
        var changes = new RandomChanges(factory.Services, new Random(11));
        for (var step = 0; step < 60; step++)
        {
            await changes.StepAsync();
        }

        var entries = await db.Changes.Where(c => c.Id > before).ToListAsync();

        // A name change is in no snapshot: it is the only write carried out that leaves no entry.
        Assert.Equal(changes.Done.Where(d => d.Key != "name").Sum(d => d.Value), entries.Count);
        Assert.All(entries, e => Assert.True(e.GroupIds is not null || e.KeyPrefixes is not null || e.Endpoints));
    }

    [Fact]
    public async Task Resync_AJournaledChangeNoBusBrought_IsAppliedWithNoWholeRead()
    {
        await using var factory = new GatewayFactory();
        factory.Settings["Gateway:ResyncSeconds"] = "1";
        factory.Settings["Logging:LogLevel:FrontierGateway.Gateway.Snapshot"] = "Information";
        var sut = factory.Services.GetRequiredService<SnapshotStore>();
        var group = (await factory.Services.GetRequiredService<GroupService>().CreateAsync(new GroupCreateInput(
            new MetadataInput(null, "journal"), [new ModelInput("acme/chat", [new LimitInput("REQUEST", "MINUTE", 1000)], [])],
            new HierarchyInput("INDEPENDENT", null)), "test")).Id;
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        // Another host's mint as it reaches this one with no bus: the row, and the journal entry beside it.
        var now = DateTime.UtcNow;
        db.CustomerApiKeys.Add(new CustomerApiKey { Prefix = "journal000000001", SecretHash = new byte[32], GroupId = group, CreatedAt = now });
        db.Changes.Add(new ChangeEntry { At = now, KeyPrefixes = "[\"journal000000001\"]" });
        await db.SaveChangesAsync();

        var waited = System.Diagnostics.Stopwatch.StartNew();
        // A catch-up logs once it has swapped the snapshot in.
        bool CaughtUp() => factory.Logged.Messages.Any(m => m.Contains("Snapshot caught up with", StringComparison.Ordinal))
            && sut.Current.Keys.ContainsKey("journal000000001");
        while (!CaughtUp() && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }

        Assert.True(sut.Current.Keys.ContainsKey("journal000000001"), string.Join("\n", factory.Logged.Messages));
        Assert.Single(factory.Logged.Messages, m => m.Contains("Snapshot read whole", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PruneAsync_EntriesOlderThanADay_AreDeletedAndTheRestKept()
    {
        await using var factory = Host();
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        db.Changes.AddRange(Entry("grp_old", now.AddHours(-25)), Entry("grp_edge", now.AddHours(-23)), Entry("grp_new", now));
        await db.SaveChangesAsync();
        var sut = ActivatorUtilities.CreateInstance<ChangeJournalPruner>(factory.Services);

        var removed = await sut.PruneAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        var left = await db.Changes.Where(c => c.GroupIds != null && c.GroupIds.Contains("grp_")).Select(c => c.GroupIds).ToListAsync();
        Assert.Equal(["[\"grp_edge\"]", "[\"grp_new\"]"], left.Order());
    }

    private static ChangeEntry Entry(string group, DateTime at) => new() { At = at, GroupIds = $"[\"{group}\"]" };

    private static GatewayFactory Host()
    {
        var factory = new GatewayFactory();
        // No resync during the test: the catch-ups are the test's own.
        factory.Settings["Gateway:ResyncSeconds"] = "86400";
        return factory;
    }

    /// <summary>A second store on the host's database that no change reaches, loaded whole.</summary>
    private static async Task<SnapshotStore> DeafStoreAsync(GatewayFactory factory)
    {
        var services = factory.Services;
        var store = new SnapshotStore(services.GetRequiredService<SnapshotLoader>(), new NoListener(), new DeafBus(),
            services.GetRequiredService<GatewayMetrics>(), TimeProvider.System, Options.Create(new GatewayOptions()),
            NullLogger<SnapshotStore>.Instance);
        await store.StartAsync(CancellationToken.None);
        return store;
    }

    private sealed class DeafBus : IChangeBus
    {
        public void Subscribe(Func<ChangeSet, CancellationToken, Task> handler)
        {
        }

        public Task PublishAsync(ChangeSet change, CancellationToken ct = default) => Task.CompletedTask;

        public Task ListenAsync(CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class NoListener : IEndpointListener
    {
        public void Update(IEnumerable<EndpointRoute> endpoints)
        {
        }
    }
}
