using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// The live view of a fleet: this host's <see cref="LiveUsage"/> plus every other host's, which each host sends once
/// a second on one Redis channel (its group-slug counts of the second just ended; the workspace, group and slug
/// series are sums of them). A reader sees the seconds every host has sent: the view ends a second earlier than a
/// lone host's. Pub/sub delivers at most once; a second lost to a dropped connection is missing from the charts,
/// which is all it costs.
/// </summary>
internal sealed partial class RedisLiveUsage(LiveUsage local, IConnectionMultiplexer redis, TimeProvider time,
    ILogger<RedisLiveUsage> logger) : BackgroundService, ILiveUsageSource
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("frontier-gateway:live");

    /// <summary>A second is sent this long after it ends, so that calls finishing on its last instant are in it.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);

    private readonly string host = Guid.NewGuid().ToString("N");

    /// <summary>The other hosts' traffic, added up.</summary>
    private readonly LiveUsage others = new(time);

    public LiveView Query(LiveFilter filter, int seconds) => LiveView.Build([local.SeriesOf(filter), others.SeriesOf(filter)],
        time.GetUtcNow().ToUnixTimeSeconds() - 2, Math.Clamp(seconds, 1, LiveUsage.HistorySeconds));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, value) => Receive(value));
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            // Registered all the same: the client subscribes when the connection comes up.
            LogRedisFailed(logger, e);
        }
        var sent = time.GetUtcNow().ToUnixTimeSeconds() - 1;
        try
        {
            // Ticks a quarter of a second into each second.
            var now = time.GetUtcNow();
            await Task.Delay(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(now.Ticks % TimeSpan.TicksPerSecond) + Settle, time, stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
            do
            {
                var ended = (time.GetUtcNow() - Settle).ToUnixTimeSeconds() - 1;
                // After a stall (a paused process), only the last few seconds are still worth sending.
                for (var second = Math.Max(sent + 1, ended - 4); second <= ended; second++)
                {
                    await SendAsync(second);
                }
                sent = Math.Max(sent, ended);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(long second)
    {
        var pairs = local.PairsAt(second).Select(p => new Pair(p.GroupId, p.Slug, p.Counts.Requests, p.Counts.Refused,
            p.Counts.Failed, p.Counts.Tokens, p.Counts.Latency)).ToList();
        if (pairs.Count == 0)
        {
            return;
        }
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.SerializeToUtf8Bytes(new Second(host, second, pairs)));
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            LogRedisFailed(logger, e);
        }
    }

    private void Receive(RedisValue value)
    {
        try
        {
            if (JsonSerializer.Deserialize<Second>((byte[])value!) is not { } message || message.Host == host)
            {
                return;
            }
            foreach (var pair in message.Pairs)
            {
                var counts = new LiveSeries.Slot { Requests = pair.Requests, Refused = pair.Refused, Failed = pair.Failed, Tokens = pair.Tokens };
                pair.Latency.AsSpan(0, Math.Min(pair.Latency.Length, counts.Latency.Length)).CopyTo(counts.Latency);
                others.Add(pair.GroupId, pair.Slug, message.Number, counts);
            }
        }
        catch (JsonException e)
        {
            LogUnreadable(logger, e);
        }
    }

    /// <summary>One host's calls of one second, by group and slug.</summary>
    private sealed record Second(string Host, long Number, List<Pair> Pairs);

    private sealed record Pair(string GroupId, string Slug, long Requests, long Refused, long Failed, long Tokens, int[] Latency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live usage could not be shared with the other hosts through Redis.")]
    private static partial void LogRedisFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live usage message from another host could not be read.")]
    private static partial void LogUnreadable(ILogger logger, Exception e);
}
