using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>
/// The two stores, driven side by side through one long random run of admissions, settlements and clock moves, give
/// the same verdicts and headroom at every step. The Redis store reads a window's sum from the window's own fields
/// within a segment and its segments only when the segment changes; this run crosses many segments of every window
/// with reservations given back into older ones, where a sum kept wrong would show.
/// </summary>
public sealed class StoresAgreeTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime, IGroupRoots
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private ConnectionMultiplexer connection = null!;
    private RedisCounterStore shared = null!;
    private readonly InMemoryCounterStore local = new(new DailyTotals(), Options.Create(new LimitsOptions()));

    /// <summary>
    /// A fifth of a SECOND window's segment past a whole second, and every move a whole number of segments: Redis's clock
    /// runs a trip to Redis ahead of the test's (or a little behind, as far as its offset was misjudged), and within
    /// those 80 ms ahead and 20 ms behind a call counts in the segment the in-memory store counts it in.
    /// </summary>
    private DateTime now = ManualTime.Start.UtcDateTime.AddMilliseconds(20);

    public async Task InitializeAsync()
    {
        connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        shared = new RedisCounterStore(connection, new RedisDailyTotals(connection, this, NullLogger<RedisDailyTotals>.Instance),
            this, Options.Create(new LimitsOptions()), NullLogger<RedisCounterStore>.Instance);
        var redisAhead = await RedisAheadAsync(connection.GetServer(connection.GetEndPoints()[0]));
        shared.ClockOffset = () => now - (DateTime.UtcNow + redisAhead);
    }

    /// <summary>Redis's clock less this machine's, from the quickest of a few round trips (taken as halfway through it).</summary>
    private static async Task<TimeSpan> RedisAheadAsync(IServer server)
    {
        var best = (Trip: TimeSpan.MaxValue, Ahead: TimeSpan.Zero);
        for (var i = 0; i < 10; i++)
        {
            var sent = DateTime.UtcNow;
            var redisTime = await server.TimeAsync();
            var trip = DateTime.UtcNow - sent;
            if (trip < best.Trip)
            {
                best = (trip, redisTime - (sent + trip / 2));
            }
        }
        return best.Ahead;
    }

    public async Task DisposeAsync() => await connection.DisposeAsync();

    string? IGroupRoots.RootOf(string groupId) => "parent-" + run;

    [Fact]
    public async Task RandomRun_BothStoresGiveTheSameVerdictsAndHeadroom()
    {
        var policy = Policy();
        // Both scripts loaded first, so that no call of the run takes the extra trip of loading one.
        var warm = await shared.TryAdmitAsync(policy with { Rules = [], DailyGroups = [] }, "fg_warm", 1, now);
        await shared.SettleAsync(policy with { Rules = [], DailyGroups = [] }, warm.Reservation, 1, now);
        var random = new Random(20261203);
        var held = new List<(Reservation Local, Reservation Shared, long Tokens)>();
        var (admitted, refused, settled) = (0, 0, 0);
        for (var step = 0; step < 600; step++)
        {
            var roll = random.Next(100);
            if (roll < 55)
            {
                var tokens = random.Next(0, 700);
                var mine = await local.TryAdmitAsync(policy, "fg_agree", tokens, now);
                var asked = System.Diagnostics.Stopwatch.GetTimestamp();
                var theirs = await shared.TryAdmitAsync(policy, "fg_agree", tokens, now);
                AssertSame(mine, theirs, step, System.Diagnostics.Stopwatch.GetElapsedTime(asked));
                if (mine.Admitted)
                {
                    admitted++;
                    held.Add((mine.Reservation, theirs.Reservation, tokens));
                }
                else
                {
                    refused++;
                }
            }
            else if (roll < 85 && held.Count > 0)
            {
                var index = random.Next(held.Count);
                var call = held[index];
                held.RemoveAt(index);
                // Less than reserved, mostly; sometimes more (a reservation is an estimate).
                var used = (long)(call.Tokens * random.NextDouble() * 1.3);
                await local.SettleAsync(policy, call.Local, used, now);
                await shared.SettleAsync(policy, call.Shared, used, now);
                settled++;
            }
            else
            {
                // Mostly within the windows; now and then past a whole MINUTE window.
                now += random.Next(10) == 0 ? TimeSpan.FromSeconds(random.Next(20, 70)) : TimeSpan.FromMilliseconds(100 * random.Next(1, 25));
            }
        }

        // The run went through every branch often enough to mean something.
        Assert.True(admitted > 100 && refused > 30 && settled > 80, $"admitted {admitted}, refused {refused}, settled {settled}");
    }

    /// <param name="trip">How long the Redis store's call took: its script read Redis's clock somewhere in it.</param>
    private static void AssertSame(Admission mine, Admission theirs, int step, TimeSpan trip)
    {
        Assert.True(mine.Admitted == theirs.Admitted, $"step {step}: admitted {mine.Admitted} in memory, {theirs.Admitted} in Redis");
        Assert.Equal(mine.RefusedBy, theirs.RefusedBy);
        Assert.Equal(mine.Requests?.Rule, theirs.Requests?.Rule);
        Assert.Equal(mine.Requests?.Remaining, theirs.Requests?.Remaining);
        Assert.Equal(mine.Tokens?.Rule, theirs.Tokens?.Rule);
        Assert.Equal(mine.Tokens?.Remaining, theirs.Tokens?.Remaining);
        // The Redis store's clock runs a trip to Redis ahead of the test's: on a loaded machine that trip (this call's)
        // can take far longer than the 80 ms the segments allow for, and the waits it answers are shorter by as much.
        var tolerance = TimeSpan.FromMilliseconds(80) + trip;
        var waits = new[]
        {
            (mine.RetryAfter, theirs.RetryAfter),
            (mine.Requests?.Reset ?? default, theirs.Requests?.Reset ?? default),
            (mine.Tokens?.Reset ?? default, theirs.Tokens?.Reset ?? default),
        };
        Assert.True(waits.All(w => (w.Item1 - w.Item2).Duration() <= tolerance), $"step {step}: waits {string.Join(", ", waits)}");
    }

    /// <summary>
    /// A CASCADING child and its parent: the child's REQUEST/SECOND and TOKEN/DAY limits, the parent's REQUEST/MINUTE
    /// and TOKEN/MINUTE pools.
    /// </summary>
    private SlugPolicy Policy()
    {
        var (child, parent) = ("child-" + run, "parent-" + run);
        LimitRule Rule(string group, LimitType type, LimitUnit unit, long threshold) =>
            new(type, unit, threshold, group, new CounterKey(group, "acme/model", type, unit));
        return new SlugPolicy("acme/model", [
            Rule(child, LimitType.Request, LimitUnit.Second, 6),
            Rule(child, LimitType.Token, LimitUnit.Day, 60_000),
            Rule(parent, LimitType.Request, LimitUnit.Minute, 90),
            Rule(parent, LimitType.Token, LimitUnit.Minute, 4_000),
        ], [child, parent], parent);
    }
}
