using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Gateway.Limits;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Redis;

/// <summary>
/// Today's Redis day counters after an outage: raised to the totals the database holds (Redis may have restarted
/// empty; a counter is never lowered), then the calls one host admitted meanwhile added on top. The usage writer is
/// told to store each counter's new total.
/// </summary>
internal sealed class DailyRebuild(IConnectionMultiplexer redis, RedisDailyTotals daily, IDbContextFactory<FrontierDbContext> dbFactory,
    TimeProvider time)
{
    /// <summary>Adds an outage's count to a day counter, and keeps the key as long as the counters' own scripts do.</summary>
    private static readonly RedisScript AddDay = new($"""
        redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
        redis.call('EXPIRE', KEYS[1], {CounterScripts.DaySeconds})
        return 0
        """);

    /// <summary>Raises today's counters to the stored totals; throws when Redis or the database fails.</summary>
    public async Task RaiseToStoredAsync(CancellationToken ct)
    {
        await redis.GetDatabase().PingAsync();
        await daily.RaiseAsync([.. await StoredAsync(ct)]);
    }

    /// <summary>Today's stored totals (table <c>DailyUsage</c>).</summary>
    public async Task<IReadOnlyDictionary<DailyKey, long>> StoredAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await StoredDailyTotals.OfAsync(db, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), ct)).ToDictionary();
    }

    /// <summary>One day counter's stored total; null before it was first stored.</summary>
    public Task<long?> StoredAsync(DailyKey key, CancellationToken ct) =>
        new DatabaseDailyUsageSource(dbFactory).ReadAsync(key.GroupId, key.Slug, key.Type, key.Day, ct);

    /// <summary>Adds an outage's counts to Redis's day counters; answers those that could not be added.</summary>
    public async Task<List<KeyValuePair<DailyKey, OutageCounters.Counted>>> AddAsync(
        IReadOnlyList<KeyValuePair<DailyKey, OutageCounters.Counted>> counts)
    {
        var db = redis.GetDatabase();
        // Sent together, so that they share round trips.
        var adding = counts.Select(c => (Count: c, Task: AddDay.EvaluateAsync(db,
            [RedisCounterKeys.Of(c.Value.Root, c.Key.GroupId, c.Key.Slug, c.Key.Type, LimitUnit.Day)],
            [RedisCounterKeys.Field(c.Key.Day), c.Value.Amount]))).ToList();
        var left = new List<KeyValuePair<DailyKey, OutageCounters.Counted>>();
        foreach (var (count, task) in adding)
        {
            try
            {
                await task;
                daily.Touch(count.Value.Root, [count.Key.GroupId], count.Key.Slug, count.Key.Type, count.Key.Day);
            }
            catch (Exception e) when (RedisFailure.IsOutage(e))
            {
                left.Add(count);
            }
        }
        return left;
    }
}
