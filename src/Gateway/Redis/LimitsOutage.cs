using System.Data.Common;
using System.Diagnostics.Metrics;
using FrontierGateway.Gateway.Limits;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Redis;

/// <summary>
/// The circuit in front of the Redis counters (<c>Limits:Store=Redis</c>). A call that finds Redis unreachable, or the
/// client reporting the connection lost, opens it: from then on no call waits on Redis, each is decided by the policy
/// of <c>Limits:RedisOutage</c> (<see cref="ResilientCounterStore"/>), and this service tries Redis again every
/// <see cref="RetryInterval"/> (at once when the client reconnects). When Redis answers, today's counters are rebuilt
/// (<see cref="DailyRebuild"/>) before the circuit closes.
/// </summary>
internal sealed partial class LimitsOutage(IConnectionMultiplexer redis, DailyRebuild rebuild, LiveHosts hosts,
    RedisCounterStore store, IOptions<LimitsOptions> options, TimeProvider time, ILogger<LimitsOutage> logger)
    : BackgroundService
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private static readonly Meter Meter = new("FrontierGateway.Limits");
    private static readonly Counter<long> Outages = Meter.CreateCounter<long>("frontier.limits.outages",
        description: "Times the limits' shared store (Redis) became unreachable and the outage policy took over.");

    private static readonly IReadOnlyDictionary<DailyKey, long> NoTotals = new Dictionary<DailyKey, long>();

    private readonly Lock gate = new();
    private readonly SemaphoreSlim opened = new(0);
    private readonly SemaphoreSlim reconnected = new(0);
    private OutageCounters? current;
    private long openedAt;

    public RedisOutagePolicy Policy { get; } = options.Value.ParsedRedisOutage ?? RedisOutagePolicy.Degraded;

    /// <summary>The outage under way, or null while the counters are in Redis.</summary>
    public OutageCounters? Current => Volatile.Read(ref current);

    /// <summary>Opens the circuit (once an outage) and answers the outage's counters.</summary>
    public OutageCounters Open(Exception? cause)
    {
        OutageCounters started;
        lock (gate)
        {
            if (current is { } open)
            {
                return open;
            }
            var stored = Policy == RedisOutagePolicy.Degraded ? StoredTotalsAsync() : Task.FromResult(NoTotals);
            started = new OutageCounters(hosts.LastKnown, stored);
            Volatile.Write(ref current, started);
            openedAt = time.GetTimestamp();
        }
        Outages.Add(1);
        LogOpened(logger, cause, Policy, started.Hosts);
        opened.Release();
        return started;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ParsedStore != CounterStoreKind.Redis)
        {
            return;
        }
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        if (!redis.IsConnected)
        {
            // Down since the start: the start-up load of today's counters did not reach it either.
            Open(null);
        }
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await opened.WaitAsync(stoppingToken);
                while (Current is not null)
                {
                    await reconnected.WaitAsync(RetryInterval, stoppingToken);
                    try
                    {
                        await TryCloseAsync(stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Never the end of this loop (nor of the host): the circuit stays open and is tried again.
                        LogCloseFailed(logger, e);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionFailed;
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    /// <summary>A dead Redis with no call to notice it: a restart would lose the counters with nobody rebuilding them.</summary>
    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            Open(e.Exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            reconnected.Release();
        }
    }

    /// <summary>Rebuilds today's counters in Redis and closes the circuit; leaves it open when Redis (or the database) fails.</summary>
    private async Task TryCloseAsync(CancellationToken ct)
    {
        try
        {
            await rebuild.RaiseToStoredAsync(ct);
        }
        catch (Exception e) when (RedisFailure.IsOutage(e) || e is InvalidOperationException or DbException or TimeoutException)
        {
            LogStillDown(logger, e);
            return;
        }
        // The outage's counts go to Redis while the calls still follow the policy, so that the first calls counted in
        // Redis again meet the rebuilt counters; only what is counted in the meantime is added after the circuit closes.
        var outage = Current!;
        var counts = outage.Drain();
        var left = await rebuild.AddAsync(counts);
        if (left.Count > 0)
        {
            outage.Keep(left);
            return;
        }
        lock (gate)
        {
            Volatile.Write(ref current, null);
        }
        var last = outage.Close();
        // The reservations of calls settled meanwhile go back, held like any settlement (written with the tree's next
        // script): left, they would count as used when they lapse, on top of the tokens the outage counted.
        foreach (var (policy, reservation) in outage.TakeReservations())
        {
            await store.SettleAsync(policy, reservation, 0, time.GetUtcNow().UtcDateTime, ct);
        }
        left = await rebuild.AddAsync(last);
        if (left.Count > 0)
        {
            // Redis failed again while they were added: they wait for the next time.
            Open(null).Keep(left);
            return;
        }
        LogClosed(logger, time.GetElapsedTime(openedAt).TotalSeconds, counts.Count + last.Count);
    }

    /// <summary>Today's stored totals, for <c>Degraded</c>'s share of DAY limits; none when the database fails too.</summary>
    private async Task<IReadOnlyDictionary<DailyKey, long>> StoredTotalsAsync()
    {
        try
        {
            return await rebuild.StoredAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or DbException or TimeoutException)
        {
            LogNoStoredTotals(logger, e);
            return NoTotals;
        }
    }

    /// <summary>A day counter while Redis is down: the stored total and this host's calls since.</summary>
    public async Task<long?> ReadDailyAsync(OutageCounters outage, DailyKey key, CancellationToken ct)
    {
        var stored = await rebuild.StoredAsync(key, ct);
        var since = outage.CountOf(key);
        return stored is null && since == 0 ? null : (stored ?? 0) + since;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis cannot be reached: the limits follow Limits:RedisOutage={Policy} until it is back ({Hosts} hosts last seen alive).")]
    private static partial void LogOpened(ILogger logger, Exception? e, RedisOutagePolicy policy, int hosts);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis is back after {Seconds:0.0} s: today's counters were rebuilt from the database and {Counters} counters of calls admitted meanwhile added; the limits are exact again.")]
    private static partial void LogClosed(ILogger logger, double seconds, int counters);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuilding today's counters in Redis failed; tried again shortly.")]
    private static partial void LogCloseFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis is still down.")]
    private static partial void LogStillDown(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Today's stored day totals could not be read: Degraded's share of DAY limits counts only from now on.")]
    private static partial void LogNoStoredTotals(ILogger logger, Exception e);
}
