using System.Text.Json;
using System.Threading.Channels;
using FrontierGateway.Data;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// The change bus of several hosts. A change made here runs this host's handlers first, as <see cref="DataChanges"/>
/// does alone, then goes out on one Redis channel; every other host runs its own handlers when it arrives, one
/// message after the other. Pub/sub delivers at most once: a message lost while a host was cut off is made up by a
/// full refresh when its connection comes back, and by <see cref="SnapshotResync"/> in any case.
/// </summary>
internal sealed partial class RedisChangeBus(DataChanges local, IConnectionMultiplexer redis, ILogger<RedisChangeBus> logger)
    : IChangeBus, IDisposable
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("frontier-gateway:changes");

    /// <summary>This host's mark on what it sends: its own messages come back to it and are skipped.</summary>
    private readonly string host = Guid.NewGuid().ToString("N");

    private readonly Channel<ChangeSet> received = System.Threading.Channels.Channel.CreateUnbounded<ChangeSet>(new() { SingleReader = true });
    private readonly CancellationTokenSource stopping = new();
    private Task? applying;

    public void Subscribe(Func<ChangeSet, CancellationToken, Task> handler) => local.Subscribe(handler);

    public async Task PublishAsync(ChangeSet change, CancellationToken ct = default)
    {
        await local.PublishAsync(change, ct);
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.SerializeToUtf8Bytes(new Message(host, change)));
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            // The change is committed and in force here; the other hosts pick it up at their next resync.
            LogPublishFailed(logger, e);
        }
    }

    public async Task ListenAsync(CancellationToken ct)
    {
        applying ??= Task.Run(ApplyReceivedAsync, CancellationToken.None);
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            // The handler only queues: the client runs handlers concurrently, and changes are applied in turn.
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, value) => OnMessage(value));
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            // The subscription is registered all the same: the client makes it when the connection comes up.
            LogSubscribeFailed(logger, e);
        }
    }

    private void OnMessage(RedisValue value)
    {
        Message? message;
        try
        {
            message = JsonSerializer.Deserialize<Message>((byte[])value!);
        }
        catch (JsonException e)
        {
            LogUnreadable(logger, e);
            return;
        }
        if (message is not null && message.Host != host)
        {
            received.Writer.TryWrite(message.Change);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            received.Writer.TryWrite(ChangeSet.Everything);
        }
    }

    private async Task ApplyReceivedAsync()
    {
        try
        {
            await foreach (var change in received.Reader.ReadAllAsync(stopping.Token))
            {
                try
                {
                    await local.DeliverAsync(change, stopping.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogApplyFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        stopping.Cancel();
        received.Writer.TryComplete();
    }

    private sealed record Message(string Host, ChangeSet Change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A change could not be sent to the other hosts; they apply it at their next resync.")]
    private static partial void LogPublishFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to the other hosts' changes yet; subscribing when Redis is reachable.")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A change message from another host could not be read.")]
    private static partial void LogUnreadable(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying another host's change failed; the next resync applies it.")]
    private static partial void LogApplyFailed(ILogger logger, Exception e);
}
