using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>
/// The snapshot's refresh on each change: only what the change touched is read again, and the result is what reading
/// everything again would give.
/// </summary>
public sealed class SnapshotRefreshTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ApplyAsync_RandomChanges_EqualsTheSnapshotLoadedWhole(int seed)
    {
        await using var factory = Host();
        var sut = factory.Services.GetRequiredService<SnapshotStore>();
        var loader = factory.Services.GetRequiredService<SnapshotLoader>();
        var changes = new RandomChanges(factory.Services, new Random(seed));

        for (var step = 0; step < 200; step++)
        {
            var what = await changes.StepAsync();
            var whole = await SnapshotText.LoadWholeAsync(loader);
            var expected = SnapshotText.Of(whole, changes.GroupIds);
            var actual = SnapshotText.Of(sut.Current, changes.GroupIds);
            Assert.True(expected == actual, $"Seed {seed}, step {step} ({what}):\n{SnapshotText.Difference(expected, actual)}");
        }

        // The run did write every kind of change, so the comparisons above saw each one's refresh.
        Assert.All(new[] { "root", "child", "limits", "name", "delete", "mint", "revoke", "endpoint" },
            kind => Assert.True(changes.Done.GetValueOrDefault(kind) > 0, $"no {kind} carried out"));
    }

    [Fact]
    public async Task ReloadAsync_ChangesWhileItReads_AreInTheSnapshotItSwapsIn()
    {
        await using var factory = Host();
        var sut = factory.Services.GetRequiredService<SnapshotStore>();
        var loader = factory.Services.GetRequiredService<SnapshotLoader>();
        var changes = new RandomChanges(factory.Services, new Random(5));

        for (var round = 0; round < 40; round++)
        {
            // The read runs outside the writer lock: the changes' refreshes run beside it, and its result, which
            // may predate them, must not undo them.
            var reload = sut.ReloadAsync(CancellationToken.None);
            var what = $"{await changes.StepAsync()}, {await changes.StepAsync()}";
            await reload;

            var expected = SnapshotText.Of(await SnapshotText.LoadWholeAsync(loader), changes.GroupIds);
            var actual = SnapshotText.Of(sut.Current, changes.GroupIds);
            Assert.True(expected == actual, $"Round {round} ({what}):\n{SnapshotText.Difference(expected, actual)}");
        }
    }

    [Fact]
    public async Task ReloadAsync_RowsChangedWithNoNotification_NewEntriesForThemAndTheSameInstancesForTheRest()
    {
        await using var factory = Host();
        var sut = factory.Services.GetRequiredService<SnapshotStore>();
        var groups = factory.Services.GetRequiredService<GroupService>();
        var keys = factory.Services.GetRequiredService<KeyService>();
        var kept = await CreateAsync(groups, "kept", null, "INDEPENDENT");
        var changed = await CreateAsync(groups, "changed", null, "INDEPENDENT");
        var keptKey = (await keys.MintAsync(kept, new KeyCreateInput(null, null), "test")).Prefix;
        var changedKey = (await keys.MintAsync(changed, new KeyCreateInput(null, null), "test")).Prefix;
        var goneKey = (await keys.MintAsync(changed, new KeyCreateInput(null, null), "test")).Prefix;
        var expiry = new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        // Straight to the database: what another host wrote whose notification never came.
        await db.CustomerApiKeys.Where(k => k.Prefix == changedKey).ExecuteUpdateAsync(k => k.SetProperty(x => x.ExpiresAt, expiry));
        await db.ModelLimits.Where(l => db.GroupModels.Any(m => m.Id == l.GroupModelId && m.GroupId == changed))
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.Threshold, 3000));
        var before = sut.Current;

        await sut.ReloadAsync(CancellationToken.None);
        var changes = sut.Current;
        // A key gone too: the keys are then read again whole.
        await db.CustomerApiKeys.Where(k => k.Prefix == goneKey).ExecuteUpdateAsync(k => k.SetProperty(x => x.RevokedAt, expiry));
        await sut.ReloadAsync(CancellationToken.None);
        var removal = sut.Current;

        Assert.Equal(expiry, changes.Keys[changedKey].ExpiresAt);
        Assert.Equal(3000, changes.Groups[changed].Find("acme/chat")!.Rules.Single().Threshold);
        Assert.Contains(goneKey, changes.Keys.Keys);
        Assert.DoesNotContain(goneKey, removal.Keys.Keys);
        Assert.Equal(before.Keys.Count - 1, removal.Keys.Count);
        // A resync reads every row while the snapshot it replaces is live: the unchanged entries stay that snapshot's
        // own (at a million keys, hundreds of MB not allocated twice).
        foreach (var after in new[] { changes, removal })
        {
            Assert.Contains(keptKey, after.Keys.Keys);
            Assert.All(before.Keys.Where(k => k.Key != changedKey && k.Key != goneKey), k => Assert.Same(k.Value, after.Keys[k.Key]));
            Assert.All(before.Groups.Where(g => g.Key != changed), g => Assert.Same(g.Value, after.Groups[g.Key]));
        }
    }

    [Fact]
    public async Task PatchAsync_WhileAWholeReadIsHalfway_IsAnsweredBeforeTheReadEnds()
    {
        await using var factory = Host();
        var sut = factory.Services.GetRequiredService<GroupService>();
        var group = await CreateAsync(sut, "edited", null, "INDEPENDENT");
        await CreateAsync(sut, "other", null, "INDEPENDENT");
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        // The whole read's query of the groups, on one of the host's connections, stopped after its first row: at a
        // million keys the real one streams rows for seconds. SQLite's shared cache locked the tables it reads for
        // that long, and the PATCH's write waited (bench/million.sh: PATCHes of 10 s and more during a resync).
        await using var read = GroupTree.Live(db).AsNoTracking().AsSplitQuery().AsAsyncEnumerable().GetAsyncEnumerator();
        Assert.True(await read.MoveNextAsync());

        var patched = await sut.PatchAsync(group, new GroupPatchInput(null,
            [new ModelInput("acme/chat", [new LimitInput("REQUEST", "MINUTE", 2000)], [])], null), "test");

        Assert.Equal(2000, patched.Models.Single().RateLimits.Single().Threshold);
        Assert.Contains(factory.Services.GetRequiredService<SnapshotStore>().Current.Groups[group].Find("acme/chat")!.Rules,
            r => r.Threshold == 2000);
        Assert.True(await read.MoveNextAsync());
    }

    [Fact]
    public async Task ApplyAsync_GroupLimitsChanged_OtherTreesKeepTheirPolicyInstancesAndTheSubtreeGetsNewOnes()
    {
        await using var factory = Host();
        var sut = factory.Services.GetRequiredService<SnapshotStore>();
        var groups = factory.Services.GetRequiredService<GroupService>();
        var changed = await CreateAsync(groups, "changed", null, "CASCADING");
        var changedChild = await CreateAsync(groups, "changed-child", changed, null);
        var changedGrandchild = await CreateAsync(groups, "changed-grandchild", changedChild, null);
        var sibling = await CreateAsync(groups, "sibling", null, "CASCADING");
        var siblingChild = await CreateAsync(groups, "sibling-child", sibling, null);
        await factory.Services.GetRequiredService<KeyService>().MintAsync(siblingChild, new KeyCreateInput(null, null), "test");
        var before = sut.Current.Groups;

        await groups.PatchAsync(changed, new GroupPatchInput(null,
            [new ModelInput("acme/chat", [new LimitInput("REQUEST", "MINUTE", 2000)], [])], null), "test");

        var after = sut.Current.Groups;
        foreach (var id in new[] { sibling, siblingChild })
        {
            Assert.Same(before[id], after[id]);
            Assert.Same(before[id].Find("acme/chat")!, after[id].Find("acme/chat")!);
        }
        foreach (var id in new[] { changed, changedChild, changedGrandchild })
        {
            Assert.NotSame(before[id], after[id]);
            Assert.NotSame(before[id].Find("acme/chat")!, after[id].Find("acme/chat")!);
            Assert.Contains(after[id].Find("acme/chat")!.Rules, r => r.SourceGroupId == changed && r.Threshold == 2000);
        }
    }

    [Fact]
    public async Task ApplyAsync_GroupDeleted_RemovesItsSubtreeAndKeepsItsParentsPolicy()
    {
        await using var factory = Host();
        var sut = factory.Services.GetRequiredService<SnapshotStore>();
        var groups = factory.Services.GetRequiredService<GroupService>();
        var root = await CreateAsync(groups, "root", null, "INDEPENDENT");
        var child = await CreateAsync(groups, "child", root, null);
        var grandchild = await CreateAsync(groups, "grandchild", child, null);
        var before = sut.Current.Groups;

        await groups.DeleteAsync(child, "test");

        Assert.Same(before[root], sut.Current.Groups[root]);
        Assert.False(sut.Current.Groups.ContainsKey(child));
        Assert.False(sut.Current.Groups.ContainsKey(grandchild));
        Assert.Null(sut.RootOf(grandchild));
        Assert.Equal(before.Count - 2, sut.Current.Groups.Count);
    }

    private static GatewayFactory Host()
    {
        var factory = new GatewayFactory();
        // No resync during the test: every refresh seen is the change's own.
        factory.Settings["Gateway:ResyncSeconds"] = "86400";
        return factory;
    }

    private static async Task<string> CreateAsync(GroupService groups, string external, string? parent, string? mode) =>
        (await groups.CreateAsync(new GroupCreateInput(new MetadataInput(null, external),
            [new ModelInput("acme/chat", [new LimitInput("REQUEST", "MINUTE", 1000)], [])], new HierarchyInput(mode, parent)), "test")).Id;
}
