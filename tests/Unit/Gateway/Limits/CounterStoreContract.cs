using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>
/// What every <see cref="ICounterStore"/> must do, whatever keeps its counters: a store's test class derives
/// from this one and says how to reach the store and its clock. Each test uses group ids of its own, so one store
/// (one Redis) may serve them all. The clock starts at a whole second, so the windows' arithmetic lines up.
/// </summary>
public abstract partial class CounterStoreContract
{
    private const string Slug = "acme/model";

    /// <summary>The caller's key; only a shared store checks it (for revocation), and no test revokes it.</summary>
    protected const string KeyPrefix = "fg_contract";

    /// <summary>The tree the tests' groups form: child and sibling under parent; every other group is a root.</summary>
    private static readonly Dictionary<string, string> Parents = new() { ["child"] = "parent", ["sibling"] = "parent" };

    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The store under test.</summary>
    protected abstract ICounterStore Sut { get; }

    /// <summary>The daily totals' link to the database that goes with <see cref="Sut"/>.</summary>
    protected abstract IDailyTotals Totals { get; }

    /// <summary>The time the tests count at.</summary>
    protected DateTime Now { get; private set; } = ManualTime.Start.UtcDateTime;

    /// <summary>Moves the store's clock; a store with a clock of its own overrides this.</summary>
    protected virtual ValueTask AdvanceAsync(TimeSpan by)
    {
        Now += by;
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TryAdmit_RequestsPerSecond_AdmitsTheThresholdThenRefusesNamingTheLimit()
    {
        var rule = Rule("g", LimitType.Request, LimitUnit.Second, 3);
        var policy = Policy([rule], "g");

        var verdicts = new List<Admission>();
        for (var i = 0; i < 4; i++)
        {
            verdicts.Add(await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now));
        }

        Assert.Equal([true, true, true, false], verdicts.Select(v => v.Admitted));
        Assert.Equal(rule, verdicts[3].RefusedBy);
        Assert.Equal(Id("g"), verdicts[3].RefusedBy!.SourceGroupId);
        Assert.InRange(verdicts[3].RetryAfter, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task TryAdmit_SecondWindow_RollsRatherThanResets()
    {
        var policy = Policy([Rule("g", LimitType.Request, LimitUnit.Second, 2)], "g");
        Assert.True((await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now)).Admitted);
        await AdvanceAsync(TimeSpan.FromMilliseconds(500));
        Assert.True((await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now)).Admitted);
        Assert.False((await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now)).Admitted);

        // One second after the first call only the first has left: a fixed window would have let both go.
        await AdvanceAsync(TimeSpan.FromMilliseconds(500));
        var admitted = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);
        var refused = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);

        Assert.True(admitted.Admitted);
        Assert.False(refused.Admitted);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public async Task TryAdmit_MinuteWindow_RefusesUntilTheOldestCallLeaves()
    {
        var policy = Policy([Rule("g", LimitType.Request, LimitUnit.Minute, 3)], "g");
        for (var i = 0; i < 3; i++)
        {
            await AdvanceAsync(TimeSpan.FromSeconds(i == 0 ? 0 : 20));
            Assert.True((await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now)).Admitted);
        }
        await AdvanceAsync(TimeSpan.FromSeconds(10));

        var refused = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);
        await AdvanceAsync(TimeSpan.FromSeconds(10));
        var admitted = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);

        Assert.False(refused.Admitted);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(11));
        Assert.True(admitted.Admitted);
    }

    [Fact]
    public async Task TryAdmit_TokenLimit_AdmitsWhileAnyHeadroomIsLeft()
    {
        var rule = Rule("g", LimitType.Token, LimitUnit.Minute, 100);
        var policy = Policy([rule], "g");
        await Sut.SettleAsync(policy, Reservation.None, 99, Now);
        var lastOne = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        await Sut.SettleAsync(policy, Reservation.None, 1, Now);

        var refused = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        var again = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);

        Assert.True(lastOne.Admitted);
        Assert.Equal(1, lastOne.Tokens!.Value.Remaining);
        Assert.Equal(rule, refused.RefusedBy);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(31));
        Assert.True(again.Admitted);
    }

    [Fact]
    public async Task TryAdmit_DailyLimit_EndsAtMidnightUtc()
    {
        var rule = Rule("g", LimitType.Request, LimitUnit.Day, 2);
        var policy = Policy([rule], "g");
        await AdvanceAsync(Now.Date.AddDays(1).AddSeconds(-2) - Now);
        var today = DateOnly.FromDateTime(Now);

        var verdicts = new[] { await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now), await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now), await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now) };
        var todays = await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Request, today);
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        var tomorrow = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);

        Assert.Equal([true, true, false], verdicts.Select(v => v.Admitted));
        Assert.Equal(rule, verdicts[2].RefusedBy);
        Assert.InRange(verdicts[2].RetryAfter, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2));
        Assert.Equal(2, todays);
        Assert.True(tomorrow.Admitted);
        Assert.Equal(1, await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Request, today.AddDays(1)));
    }

    [Fact]
    public async Task TryAdmit_OneFullCounterOfTheChain_CountsTheCallNowhere()
    {
        // CASCADING: two children share their parent's pool of 2 requests a minute.
        var pool = Rule("parent", LimitType.Request, LimitUnit.Minute, 2);
        var child = Policy([Rule("child", LimitType.Request, LimitUnit.Minute, 10), pool], "child", "parent");
        var sibling = Policy([Rule("sibling", LimitType.Request, LimitUnit.Minute, 10), pool], "sibling", "parent");
        Assert.True((await Sut.TryAdmitAsync(child, KeyPrefix, 0, Now)).Admitted);
        Assert.True((await Sut.TryAdmitAsync(sibling, KeyPrefix, 0, Now)).Admitted);

        var refused = await Sut.TryAdmitAsync(child, KeyPrefix, 0, Now);
        var childAlone = await Sut.TryAdmitAsync(Policy([Rule("child", LimitType.Request, LimitUnit.Minute, 10)], "child"), KeyPrefix, 0, Now);

        Assert.Equal(pool, refused.RefusedBy);
        Assert.Equal(Id("parent"), refused.RefusedBy!.SourceGroupId);
        // The refused call left no trace on the child's window nor on anyone's day.
        Assert.Equal(8, childAlone.Requests!.Value.Remaining);
        Assert.Equal(2, await Sut.ReadDailyAsync(Id("child"), Slug, LimitType.Request, Today));
        Assert.Equal(2, await Sut.ReadDailyAsync(Id("parent"), Slug, LimitType.Request, Today));
    }

    [Fact]
    public async Task TryAdmit_DailyTokenPool_IsSharedByTheChildrenUntilUsedUp()
    {
        // CASCADING: two children's tokens count on their parent's day pool of 100.
        var pool = Rule("parent", LimitType.Token, LimitUnit.Day, 100);
        var child = Policy([pool], "child", "parent");
        var sibling = Policy([pool], "sibling", "parent");
        Assert.True((await Sut.TryAdmitAsync(child, KeyPrefix, 0, Now)).Admitted);
        await Sut.SettleAsync(child, Reservation.None, 60, Now);

        var last = await Sut.TryAdmitAsync(sibling, KeyPrefix, 0, Now);
        await Sut.SettleAsync(sibling, Reservation.None, 40, Now);
        var refused = await Sut.TryAdmitAsync(child, KeyPrefix, 0, Now);

        Assert.True(last.Admitted);
        Assert.Equal((pool, 40L), (last.Tokens!.Value.Rule, last.Tokens.Value.Remaining));
        Assert.Equal(pool, refused.RefusedBy);
        Assert.Equal(100, await Sut.ReadDailyAsync(Id("parent"), Slug, LimitType.Token, Today));
        Assert.Equal(60, await Sut.ReadDailyAsync(Id("child"), Slug, LimitType.Token, Today));
    }

    [Fact]
    public async Task TryAdmit_IndependentInheritedLimit_IsMeteredOnTheCallerAlone()
    {
        // INDEPENDENT: the child takes the parent's limit (the nearest declaration) on a counter of its own.
        var declared = Rule("parent", LimitType.Request, LimitUnit.Minute, 2);
        var inherited = declared with { Counter = declared.Counter with { GroupId = Id("child") } };
        var parent = Policy([declared], "parent");
        var child = Policy([inherited], "child");
        await Sut.TryAdmitAsync(parent, KeyPrefix, 0, Now);
        await Sut.TryAdmitAsync(parent, KeyPrefix, 0, Now);

        var verdicts = new[] { await Sut.TryAdmitAsync(child, KeyPrefix, 0, Now), await Sut.TryAdmitAsync(child, KeyPrefix, 0, Now), await Sut.TryAdmitAsync(child, KeyPrefix, 0, Now) };

        Assert.Equal([true, true, false], verdicts.Select(v => v.Admitted));
        Assert.Equal(Id("parent"), verdicts[2].RefusedBy!.SourceGroupId);
        Assert.Equal(Id("child"), verdicts[2].RefusedBy!.Counter.GroupId);
        Assert.Equal(2, await Sut.ReadDailyAsync(Id("parent"), Slug, LimitType.Request, Today));
        Assert.Equal(2, await Sut.ReadDailyAsync(Id("child"), Slug, LimitType.Request, Today));
    }

    [Fact]
    public async Task TryAdmit_Headroom_ReportsTheTightestLimitOfEachType()
    {
        var perSecond = Rule("g", LimitType.Request, LimitUnit.Second, 3);
        var tokens = Rule("g", LimitType.Token, LimitUnit.Minute, 1000);
        var policy = Policy([Rule("g", LimitType.Request, LimitUnit.Minute, 10), perSecond, tokens], "g");

        var sut = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);

        Assert.True(sut.Admitted);
        Assert.Equal(perSecond, sut.Requests!.Value.Rule);
        Assert.Equal(2, sut.Requests.Value.Remaining);
        Assert.InRange(sut.Requests.Value.Reset, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(1));
        Assert.Equal(tokens, sut.Tokens!.Value.Rule);
        Assert.Equal(1000, sut.Tokens.Value.Remaining);
    }

    [Fact]
    public async Task TryAdmit_FiftyConcurrentCallers_AdmitExactlyTheThreshold()
    {
        var policy = Policy([Rule("g", LimitType.Request, LimitUnit.Minute, 10)], "g");

        var verdicts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now))));

        Assert.Equal(10, verdicts.Count(v => v.Admitted));
        Assert.Equal(10, await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Request, Today));
    }

    [Fact]
    public async Task TryAdmit_OtherSlugOrIndependentSibling_DrawsOnItsOwnCounters()
    {
        var full = Policy([Rule("g", LimitType.Request, LimitUnit.Minute, 1)], "g");
        var otherSlug = Policy([Rule("g", LimitType.Request, LimitUnit.Minute, 1, "acme/other")], "g") with { Slug = "acme/other" };
        var sibling = Policy([Rule("sibling", LimitType.Request, LimitUnit.Minute, 1)], "sibling");
        await Sut.TryAdmitAsync(full, KeyPrefix, 0, Now);

        Assert.False((await Sut.TryAdmitAsync(full, KeyPrefix, 0, Now)).Admitted);
        Assert.True((await Sut.TryAdmitAsync(otherSlug, KeyPrefix, 0, Now)).Admitted);
        Assert.True((await Sut.TryAdmitAsync(sibling, KeyPrefix, 0, Now)).Admitted);
    }

    private DateOnly Today => DateOnly.FromDateTime(Now);

    /// <summary>A group id of this test's own.</summary>
    private string Id(string name) => $"{name}-{run}";

    private LimitRule Rule(string group, LimitType type, LimitUnit unit, long threshold, string slug = Slug) =>
        new(type, unit, threshold, Id(group), new CounterKey(Id(group), slug, type, unit));

    /// <param name="dailyGroups">The caller first, then (CASCADING) its ancestors.</param>
    private SlugPolicy Policy(LimitRule[] rules, params string[] dailyGroups) =>
        new(Slug, rules, [.. dailyGroups.Select(Id)], Id(Parents.GetValueOrDefault(dailyGroups[0], dailyGroups[0])));

    /// <summary>The root of one of this test's groups, as the snapshot answers it in a host (<c>IGroupRoots</c>).</summary>
    protected string? RootOf(string groupId) => groupId.EndsWith("-" + run, StringComparison.Ordinal)
        && groupId[..^(run.Length + 1)] is var name ? Id(Parents.GetValueOrDefault(name, name)) : null;

    /// <summary>This test's totals among what the store hands over (a shared store holds other tests' too).</summary>
    private Dictionary<DailyKey, long> Mine(IReadOnlyList<KeyValuePair<DailyKey, long>> totals) =>
        totals.Where(t => t.Key.GroupId.EndsWith(run, StringComparison.Ordinal)).ToDictionary();
}
