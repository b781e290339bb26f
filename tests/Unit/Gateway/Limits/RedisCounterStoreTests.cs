using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>
/// The shared store against the admission contract, on a real Redis. The store's clock is Redis's TIME shifted by its
/// test offset, which each call reads as it is sent: every call then counts at the contract's <c>Now</c> (plus its own
/// trip to Redis), however long the test took to get there, and moving <c>Now</c> moves the store (past midnight too).
/// </summary>
public sealed class RedisCounterStoreTests(RedisServer redis) : CounterStoreContract, IClassFixture<RedisServer>, IAsyncLifetime, IGroupRoots
{
    private ConnectionMultiplexer connection = null!;
    private RedisCounterStore sut = null!;
    private RedisDailyTotals totals = null!;

    protected override ICounterStore Sut => sut;

    protected override IDailyTotals Totals => totals;

    public async Task InitializeAsync()
    {
        connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        totals = new RedisDailyTotals(connection, this, NullLogger<RedisDailyTotals>.Instance);
        sut = new RedisCounterStore(connection, totals, this, Options.Create(new LimitsOptions()),
            NullLogger<RedisCounterStore>.Instance);
        // Redis's clock less this machine's (nothing on one machine, but it costs one call to be sure), taken against
        // the answer's arrival: an error makes the store's clock run a trip ahead of Now, never behind it.
        var redisTime = await Server.TimeAsync();
        var redisAhead = redisTime - DateTime.UtcNow;
        sut.ClockOffset = () => Now - (DateTime.UtcNow + redisAhead);
    }

    public async Task DisposeAsync() => await connection.DisposeAsync();

    string? IGroupRoots.RootOf(string groupId) => RootOf(groupId);

    [Fact]
    public async Task TryAdmit_ScriptGoneFromRedis_LoadsItAgain()
    {
        var policy = Chain(out _, LimitType.Request, LimitUnit.Minute, 2);
        Assert.True((await sut.TryAdmitAsync(policy, KeyPrefix, 0, Now)).Admitted);

        await Server.ScriptFlushAsync();
        var again = await sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);
        var refused = await sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);

        Assert.True(again.Admitted);
        Assert.Equal(policy.Rules[1], refused.RefusedBy);
    }

    [Fact]
    public async Task Settle_AfterRedisLostItsScripts_IsCountedAllTheSame()
    {
        // The child's TOKEN/MINUTE limit is 10.
        var policy = Chain(out _, LimitType.Token, LimitUnit.Minute, 1000);
        var first = await sut.TryAdmitAsync(policy, KeyPrefix, 8, Now);
        await sut.SettleAsync(policy, first.Reservation, 2, Now);

        // Settles are now sent without waiting for an answer; the admission finds the scripts gone and loads its own.
        await Server.ScriptFlushAsync();
        var second = await sut.TryAdmitAsync(policy, KeyPrefix, 8, Now);
        await sut.SettleAsync(policy, second.Reservation, 1, Now);
        var tooMany = await sut.TryAdmitAsync(policy, KeyPrefix, 8, Now);
        var fits = await sut.TryAdmitAsync(policy, KeyPrefix, 7, Now);

        // 3 tokens used: had the second settle been lost, its 8 reserved would still count and nothing more would fit.
        Assert.True(second.Admitted);
        Assert.False(tooMany.Admitted);
        Assert.True(fits.Admitted);
    }

    [Fact]
    public async Task TryAdmit_CascadingChain_KeepsEveryCounterOfTheTreeInOneSlot()
    {
        var policy = Chain(out var root, LimitType.Request, LimitUnit.Second, 5);
        await sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);
        await sut.SettleAsync(policy, Reservation.None, 7, Now);
        // Written now, not at the tree's next admission.
        await sut.FlushAsync();

        var keys = await Server.KeysAsync(pattern: $"*{root}*").ToListAsync();

        // Two windows, and a REQUEST and a TOKEN day counter for each of the two groups.
        Assert.Equal(6, keys.Count);
        Assert.All(keys, k => Assert.Contains($"{{{root}}}", k.ToString()));
        Assert.Single(keys.Select(k => connection.HashSlot(k)).Distinct());
    }

    [Fact]
    public async Task TryAdmit_HostClockArgument_IsIgnoredForRedisClock()
    {
        var policy = Chain(out _, LimitType.Request, LimitUnit.Second, 1);
        await sut.TryAdmitAsync(policy, KeyPrefix, 0, DateTime.UnixEpoch);

        // The host's clock says an hour has passed; Redis's says it has not: the window is still full.
        var refused = await sut.TryAdmitAsync(policy, KeyPrefix, 0, Now.AddHours(1));

        Assert.Equal(policy.Rules[1], refused.RefusedBy);
    }

    [Fact]
    public async Task DayCounter_LivesForItsDayAndTheNext()
    {
        var policy = Chain(out var root, LimitType.Request, LimitUnit.Day, 5);
        await sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);

        var dayKeys = await Server.KeysAsync(pattern: $"*{root}*:DAY").ToListAsync();

        Assert.Equal(2, dayKeys.Count);
        foreach (var key in dayKeys)
        {
            Assert.InRange(await connection.GetDatabase().KeyTimeToLiveAsync(key) ?? TimeSpan.Zero,
                TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2));
        }
    }

    [Fact]
    public async Task TryAdmit_RevokedKeyOrGroupOfTheChain_IsRefusedAsRevokedAndCountsNowhere()
    {
        var policy = Chain(out var root, LimitType.Request, LimitUnit.Minute, 5);
        var (child, parent) = (policy.DailyGroups[0], policy.DailyGroups[1]);
        var revocations = new RedisRevocations(connection, new OneTree(root), NullLogger<RedisRevocations>.Instance);
        Assert.True((await sut.TryAdmitAsync(policy, "fg_revoked", 0, Now)).Admitted);

        await revocations.RecordAsync([new RevokedKey("fg_revoked", child)], []);
        var revokedKey = await sut.TryAdmitAsync(policy, "fg_revoked", 0, Now);
        var otherKey = await sut.TryAdmitAsync(policy, "fg_other", 0, Now);
        await revocations.RecordAsync([], [parent]);
        var deletedParent = await sut.TryAdmitAsync(policy, "fg_other", 0, Now);

        Assert.True(revokedKey.IsRevoked);
        Assert.False(revokedKey.Admitted);
        Assert.True(otherKey.Admitted);
        Assert.True(deletedParent.IsRevoked);
        Assert.Equal(2, (long)await connection.GetDatabase().HashGetAsync(
            RedisCounterKeys.Of(root, child, "acme/model", LimitType.Request, LimitUnit.Day), RedisCounterKeys.Field(DateOnly.FromDateTime(Now))));
        var marker = await connection.GetDatabase().KeyTimeToLiveAsync(RedisCounterKeys.RevokedKey(root, "fg_revoked"));
        Assert.InRange(marker ?? TimeSpan.Zero, RedisRevocations.Lifetime - TimeSpan.FromMinutes(1), RedisRevocations.Lifetime);
    }

    [Fact]
    public async Task Settle_DailyReservation_KeepsItApartFromTheDayTotalInAnExpiringKey()
    {
        var policy = Chain(out var root, LimitType.Token, LimitUnit.Day, 1000);
        var db = connection.GetDatabase();
        // The child's limit is 10.
        var call = await sut.TryAdmitAsync(policy, KeyPrefix, 8, Now);

        var reservations = await Server.KeysAsync(pattern: $"*{root}*:reserved").ToListAsync();
        var dayTotals = await Server.KeysAsync(pattern: $"*{root}*:TOKEN:DAY").ToListAsync();
        var lifetimes = await Task.WhenAll(reservations.Select(k => db.KeyTimeToLiveAsync(k)));
        await sut.SettleAsync(policy, call.Reservation, 0, Now);
        // Written now, not at the tree's next admission.
        await sut.FlushAsync();

        // One reservation window for each DAY TOKEN rule (the child's and the pool's), no day total yet.
        Assert.Equal(2, reservations.Count);
        Assert.Empty(dayTotals);
        // As long as a day total's: a reservation never settled is still there to count as used when it lapses.
        Assert.All(lifetimes, t => Assert.InRange(t ?? TimeSpan.Zero, TimeSpan.FromSeconds(CounterScripts.DaySeconds - 60),
            TimeSpan.FromSeconds(CounterScripts.DaySeconds)));
        // Settled to nothing: the reservations are gone, and no day total was made.
        Assert.All(reservations, k => Assert.False(db.KeyExists(k)));
        Assert.Empty(await Server.KeysAsync(pattern: $"*{root}*:TOKEN:DAY").ToListAsync());
    }

    [Fact]
    public async Task Settle_HeldBack_IsTakenAlongByTheTreesNextAdmissionInItsScript()
    {
        sut.SettleDelay = TimeSpan.FromHours(1);
        // The child's TOKEN/MINUTE limit is 10.
        var policy = Chain(out _, LimitType.Token, LimitUnit.Minute, 1000);
        var first = await sut.TryAdmitAsync(policy, KeyPrefix, 8, Now);
        await sut.SettleAsync(policy, first.Reservation, 2, Now);
        var scriptsBefore = await ScriptCallsAsync();

        var second = await sut.TryAdmitAsync(policy, KeyPrefix, 8, Now);
        var scripts = await ScriptCallsAsync() - scriptsBefore;

        // 8 fit beside the 2 used only once the 6 not used are back; and the settle cost no script of its own.
        Assert.True(second.Admitted);
        Assert.Equal(0, second.Tokens!.Value.Remaining);
        Assert.Equal(1, scripts);
    }

    [Fact]
    public async Task Settle_HeldBack_IsWrittenOnItsOwnWhenNoAdmissionComes()
    {
        var policy = Chain(out var root, LimitType.Token, LimitUnit.Day, 1000);
        var call = await sut.TryAdmitAsync(policy, KeyPrefix, 8, Now);
        var dayTotal = RedisCounterKeys.Of(root, policy.DailyGroups[0], "acme/model", LimitType.Token, LimitUnit.Day);
        var today = RedisCounterKeys.Field(DateOnly.FromDateTime(Now));

        await sut.SettleAsync(policy, call.Reservation, 3, Now);

        // What another host sees, without a further call of this one.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var seen = RedisValue.Null;
        while (DateTime.UtcNow < deadline && (seen = await connection.GetDatabase().HashGetAsync(dayTotal, today)).IsNull)
        {
            await Task.Delay(5);
        }
        Assert.Equal(3, (long)seen);
    }

    [Fact]
    public async Task DisposeAsync_SettlesHeldBack_AreWrittenBeforeTheStoreGoes()
    {
        var store = new RedisCounterStore(connection, totals, this, Options.Create(new LimitsOptions()),
            NullLogger<RedisCounterStore>.Instance) { ClockOffset = sut.ClockOffset, SettleDelay = TimeSpan.FromHours(1) };
        var policy = Chain(out var root, LimitType.Token, LimitUnit.Day, 1000);
        var call = await store.TryAdmitAsync(policy, KeyPrefix, 8, Now);
        await store.SettleAsync(policy, call.Reservation, 3, Now);

        await store.DisposeAsync();

        Assert.Equal(3, (long)await connection.GetDatabase().HashGetAsync(
            RedisCounterKeys.Of(root, policy.DailyGroups[1], "acme/model", LimitType.Token, LimitUnit.Day),
            RedisCounterKeys.Field(DateOnly.FromDateTime(Now))));
        Assert.Empty(await Server.KeysAsync(pattern: $"*{root}*:reserved").ToListAsync());
    }

    [Fact]
    public async Task TryAdmit_HostKilledHoldingASettlement_ItsReservationCountsAsUsedOnceItLapses()
    {
        // Host A settles a call of 6 tokens (8 reserved) and is killed before its held settlement is written: the store
        // is left as a kill -9 leaves it, never flushed. The child's DAY limit is 10; this store is host B.
        var killed = new RedisCounterStore(connection, totals, this, Options.Create(new LimitsOptions()),
            NullLogger<RedisCounterStore>.Instance) { ClockOffset = sut.ClockOffset, SettleDelay = TimeSpan.FromHours(1) };
        var policy = Chain(out var root, LimitType.Token, LimitUnit.Day, 1000);
        var call = await killed.TryAdmitAsync(policy, KeyPrefix, 8, Now);
        await killed.SettleAsync(policy, call.Reservation, 6, Now);

        var whileHeld = await sut.TryAdmitAsync(policy, KeyPrefix, 3, Now);
        await AdvanceAsync(new LimitsOptions().ReservationTtl + TimeSpan.FromMinutes(1));
        var over = await sut.TryAdmitAsync(policy, KeyPrefix, 5, Now);
        var fits = await sut.TryAdmitAsync(policy, KeyPrefix, 2, Now);

        // The 6 used never reach Redis: without the reservation moving into the day's total, 5 more would pass the limit.
        Assert.Equal(policy.Rules[0], whileHeld.RefusedBy);
        Assert.Equal(policy.Rules[0], over.RefusedBy);
        Assert.True(fits.Admitted);
        // The reservation counts, not the 6 used: the 2 more count against the caller, never for it.
        var today = RedisCounterKeys.Field(DateOnly.FromDateTime(Now));
        Assert.All(await Task.WhenAll(policy.DailyGroups.Select(g => connection.GetDatabase().HashGetAsync(
            RedisCounterKeys.Of(root, g, "acme/model", LimitType.Token, LimitUnit.Day), today))), total => Assert.Equal(8, (long)total));
    }

    /// <summary>The scripts Redis has run by their SHA so far.</summary>
    private async Task<long> ScriptCallsAsync()
    {
        var stats = (await Server.InfoAsync("commandstats")).SelectMany(g => g).First(p => p.Key == "cmdstat_evalsha").Value;
        return long.Parse(stats.Split(',')[0]["calls=".Length..]);
    }

    /// <summary>The roots of a test of its own: every group is in one tree.</summary>
    private sealed class OneTree(string root) : IGroupRoots
    {
        public string? RootOf(string groupId) => root;
    }

    /// <summary>
    /// A CASCADING child under a root of its own, with a limit on the child (threshold 10) and the parent's pool at
    /// <paramref name="threshold"/> (rule 2).
    /// </summary>
    private static SlugPolicy Chain(out string root, LimitType type, LimitUnit unit, long threshold)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (child, parent) = ("child-" + run, "root-" + run);
        root = parent;
        return new SlugPolicy("acme/model", [
            new LimitRule(type, unit, 10, child, new CounterKey(child, "acme/model", type, unit)),
            new LimitRule(type, unit, threshold, parent, new CounterKey(parent, "acme/model", type, unit)),
        ], [child, parent], parent);
    }

    private IServer Server => connection.GetServer(connection.GetEndPoints()[0]);
}
