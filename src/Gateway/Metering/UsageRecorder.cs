using System.Data.Common;
using System.Threading.Channels;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Usage;
using FrontierGateway.Gateway.Limits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Writes usage events behind the request path, in batches, together with the daily counters and keys'
/// last use. On a graceful shutdown it drains everything it was given before the host stops.
/// </summary>
internal sealed partial class UsageRecorder(IDbContextFactory<FrontierDbContext> dbFactory, ICounterStore counters,
    KeyActivity activity, TokenCounter tokens, IOptions<GatewayOptions> options, TimeProvider time,
    ILogger<UsageRecorder> logger)
    : BackgroundService
{
    private readonly Channel<UsageEvent> events = Channel.CreateUnbounded<UsageEvent>(new() { SingleReader = true });
    private readonly int batchSize = options.Value.UsageBatchSize;

    /// <summary>Released when the queue reaches a full batch, so that the writer wakes once a batch, not once an event.</summary>
    private readonly SemaphoreSlim batchFull = new(0);

    /// <summary>Events queued and not yet taken by the writer: the backlog.</summary>
    private int queued;

    /// <summary>Queues an event; never blocks and never touches the database.</summary>
    public void Record(UsageEvent usage)
    {
        if (!events.Writer.TryWrite(usage))
        {
            LogDropped(logger, usage.IdempotencyKey);
            return;
        }
        if (Interlocked.Increment(ref queued) == batchSize)
        {
            batchFull.Release();
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Today's counters come back from the database so that daily limits survive a restart.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var rows = await db.DailyUsage.AsNoTracking().Where(u => u.Day == today).ToListAsync(cancellationToken);
        counters.LoadDaily(rows.Select(r => KeyValuePair.Create(new DailyKey(r.GroupId, r.Slug, r.Type, r.Day), r.Value)));
        // The tokenizer's tables take ~0.3 s and ~40 MB to load. The simulated model needs them on every call,
        // so they are loaded at start when one is configured; otherwise only when a call comes without usage.
        if (await db.EndpointTargets.AnyAsync(t => t.Provider == ProviderKind.Simulated, cancellationToken))
        {
            tokens.Count("warm-up");
        }
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        events.Writer.TryComplete();
        batchFull.Release(); // a batch still filling is written now
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<UsageEvent>(batchSize);
        var reader = events.Reader;
        // Ends only when the channel is completed and empty, so a graceful shutdown drains it.
        while (await WaitAsync(ct => reader.WaitToReadAsync(ct).AsTask(), TimeSpan.FromSeconds(options.Value.CounterFlushSeconds)) is not false)
        {
            // The first event is in: the batch gets the flush interval to fill, unless it fills before.
            if (Volatile.Read(ref queued) < batchSize)
            {
                await WaitAsync(async ct =>
                {
                    await batchFull.WaitAsync(ct);
                    return true;
                }, TimeSpan.FromMilliseconds(options.Value.UsageFlushMilliseconds));
            }
            while (batch.Count < batchSize && reader.TryRead(out var usage))
            {
                batch.Add(usage);
            }
            Interlocked.Add(ref queued, -batch.Count);
            await WriteAsync(batch);
            batch.Clear();
        }
        await WriteAsync(batch);
    }

    /// <summary>
    /// Waits for <paramref name="wait"/> at most <paramref name="limit"/> (on the injected clock): its answer, or
    /// null when the time ran out.
    /// </summary>
    private async Task<bool?> WaitAsync(Func<CancellationToken, Task<bool>> wait, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit, time);
        try
        {
            return await wait(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task WriteAsync(List<UsageEvent> batch)
    {
        var daily = counters.TakeChangedDaily();
        var used = activity.Take();
        if (batch.Count == 0 && daily.Count == 0 && used.Count == 0)
        {
            return;
        }
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            // Polite only while caught up: with a full batch still waiting, writing fast is what keeps memory flat.
            await UsageEventWriter.InsertAsync(db, batch, yieldBetweenRows: Volatile.Read(ref queued) < batchSize);
            await UsagePersistence.SaveDailyAsync(db, daily, time.GetUtcNow().UtcDateTime);
            await UsagePersistence.SaveLastUsedAsync(db, used);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException)
        {
            LogWriteFailed(logger, e, batch.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage event {Key} could not be queued.")]
    private static partial void LogDropped(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} usage events failed.")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, int count);
}
