using FrontierGateway.Gateway.Limits;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Redis;

/// <summary>
/// How many hosts are alive, as each host last saw it: every host puts itself in one sorted set every
/// <see cref="Beat"/>, scored by when its mark expires (Redis's clock), drops the expired marks and reads the count.
/// While Redis is down the last count stands: it is what <c>Degraded</c> divides each limit by. 1 until a count
/// was read. A host stopping cleanly takes its mark out at once.
/// </summary>
/// <remarks>
/// The count is the largest of the last <see cref="Remembered"/> beats that reached Redis (as many as a silent host's
/// mark lasts): a Redis that restarted empty has only the first host to beat after it in its set, and had it failed
/// again within that beat, that host would have taken a whole limit for itself. A host that went silent is dropped that
/// many beats after its mark expired.
/// </remarks>
internal sealed partial class LiveHosts(IConnectionMultiplexer redis, TimeProvider time, ILogger<LiveHosts> logger) : BackgroundService
{
    public static readonly RedisKey Key = "frontier-gateway:hosts";

    /// <summary>Beats a second apart: a host that stopped without a word drops out after <see cref="Expiry"/>.</summary>
    public static readonly TimeSpan Beat = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(5);

    private static readonly RedisScript Heartbeat = new("""
        local now = tonumber(redis.call('TIME')[1])
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
        return redis.call('ZCARD', KEYS[1])
        """);

    private readonly string host = Guid.NewGuid().ToString("N");
    private static readonly int Remembered = (int)(Expiry / Beat);

    private readonly Lock gate = new();

    /// <summary>The counts of the last beats that reached Redis.</summary>
    private readonly Queue<int> recent = new();

    private int count = 1;
    private bool failing;

    /// <summary>
    /// The hosts alive as the last beats that reached Redis saw them (the largest count), this one included; 1 before
    /// the first; while Redis is down, as of its last beats.
    /// </summary>
    public int LastKnown => Volatile.Read(ref count);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Beat, time);
        do
        {
            await BeatAsync();
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    internal async Task BeatAsync()
    {
        try
        {
            var alive = (long)(await Heartbeat.EvaluateAsync(redis.GetDatabase(), [Key], [host, (long)Expiry.TotalSeconds]));
            Remember((int)Math.Max(1, alive));
            failing = false;
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            // Logged once an outage: the limits' own outage warning says the rest.
            if (!failing)
            {
                LogBeatFailed(logger, e, LastKnown);
            }
            failing = true;
        }
    }

    private void Remember(int alive)
    {
        lock (gate)
        {
            recent.Enqueue(alive);
            if (recent.Count > Remembered)
            {
                recent.Dequeue();
            }
            Volatile.Write(ref count, recent.Max());
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await redis.GetDatabase().SortedSetRemoveAsync(Key, host);
        }
        catch (Exception e) when (RedisFailure.IsOutage(e) || e is ObjectDisposedException)
        {
            // Its mark expires by itself (the connection may be closed already when the host stops).
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "This host's heartbeat could not reach Redis; the hosts alive are taken as the last count, {Count}.")]
    private static partial void LogBeatFailed(ILogger logger, Exception e, int count);
}
