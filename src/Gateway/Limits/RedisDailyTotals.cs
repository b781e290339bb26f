using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Data.Entities;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// The day counters' link to the database when they live in Redis. The counters are shared, the table is too: each
/// host remembers the counters its own calls touched and hands over their current Redis totals (every host's calls
/// included), which the usage writer stores as the larger of row and total. A counter no host touches again keeps its
/// last handed-over total. At start-up the stored totals raise the Redis counters (never lower them), so a host that
/// starts against an empty Redis rebuilds today's counters from the database.
/// </summary>
internal sealed partial class RedisDailyTotals(IConnectionMultiplexer redis, IGroupRoots roots, ILogger<RedisDailyTotals> logger)
    : IDailyTotals
{
    private readonly Lock gate = new();

    /// <summary>The day counters touched since the last hand-over, each with its tree's root.</summary>
    private Dictionary<DailyKey, string> touched = [];

    /// <summary>The last hand-over could not read Redis.</summary>
    private bool failing;

    /// <summary>Notes that a call counted on the day counters of <paramref name="groups"/>.</summary>
    public void Touch(string root, string[] groups, string slug, LimitType type, DateOnly day)
    {
        lock (gate)
        {
            foreach (var group in groups)
            {
                touched.TryAdd(new DailyKey(group, slug, type, day), root);
            }
        }
    }

    public async ValueTask<IReadOnlyList<KeyValuePair<DailyKey, long>>> TakeChangedAsync(CancellationToken ct = default)
    {
        Dictionary<DailyKey, string> taken;
        lock (gate)
        {
            if (touched.Count == 0)
            {
                return [];
            }
            (taken, touched) = (touched, []);
        }
        var db = redis.GetDatabase();
        // Sent together, so the reads share one round trip.
        var reads = taken.Select(t => (t.Key, Total: db.HashGetAsync(
            RedisCounterKeys.Of(t.Value, t.Key.GroupId, t.Key.Slug, t.Key.Type, LimitUnit.Day), RedisCounterKeys.Field(t.Key.Day)))).ToList();
        try
        {
            await Task.WhenAll(reads.Select(r => r.Total));
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            // Kept for the next hand-over; meanwhile the table trails the counters.
            lock (gate)
            {
                foreach (var (key, root) in taken)
                {
                    touched.TryAdd(key, root);
                }
            }
            // Once an outage: the usage writer (one thread) asks again with every batch.
            if (!failing)
            {
                LogRedisFailed(logger, e, taken.Count);
            }
            failing = true;
            return [];
        }
        failing = false;
        return [.. reads.Where(r => r.Total.Result.HasValue).Select(r => KeyValuePair.Create(r.Key, (long)r.Total.Result))];
    }

    public async ValueTask LoadAsync(IReadOnlyList<KeyValuePair<DailyKey, long>> totals, CancellationToken ct = default)
    {
        try
        {
            await RaiseAsync(totals);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            LogLoadFailed(logger, e, totals.Count);
        }
    }

    /// <summary>Raises the Redis counters to <paramref name="totals"/> (never lowers one); throws when Redis fails.</summary>
    public async Task RaiseAsync(IReadOnlyList<KeyValuePair<DailyKey, long>> totals)
    {
        var db = redis.GetDatabase();
        var raises = new List<Task>(totals.Count);
        foreach (var (key, value) in totals)
        {
            // A group the snapshot does not know was deleted: its counters are never checked again.
            if (roots.RootOf(key.GroupId) is { } root)
            {
                raises.Add(CounterScripts.RaiseDay.EvaluateAsync(db,
                    [RedisCounterKeys.Of(root, key.GroupId, key.Slug, key.Type, LimitUnit.Day)], [RedisCounterKeys.Field(key.Day), value]));
            }
        }
        await Task.WhenAll(raises);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Reading {Count} day counters from Redis failed; they are stored with a batch after it answers again.")]
    private static partial void LogRedisFailed(ILogger logger, Exception e, int count);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Raising {Count} Redis day counters to the stored totals failed: today's use before this start may not count against daily limits.")]
    private static partial void LogLoadFailed(ILogger logger, Exception e, int count);
}
