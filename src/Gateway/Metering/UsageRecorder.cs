using System.Data.Common;
using System.Threading.Channels;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Usage;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering.Journal;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Writes usage events behind the request path, in batches, together with the daily counters and keys'
/// last use. On a graceful shutdown it drains everything it was given before the host stops (a database refusing
/// then leaves it to the journal and the next start). Every event is in the <see cref="UsageJournal"/> before its call
/// was answered; a batch in the database releases its lines, and at start-up whatever a killed process left in the
/// journal is replayed first. Memory is bounded: past <see cref="GatewayOptions.UsageQueueLimit"/> queued events (a
/// database slow or down for long) an event is left in the journal only (<see cref="JournalOnlyEvents"/>), and once the
/// queue has drained the writer stores those from the journal (<see cref="JournalCatchUp"/>) and lets their segments go.
/// </summary>
internal sealed partial class UsageRecorder(IDbContextFactory<FrontierDbContext> dbFactory, IDailyTotals dailyTotals,
    KeyActivity activity, TokenCounter tokens, UsageJournal journal, IOptions<GatewayOptions> options, TimeProvider time,
    GatewayMetrics metrics, ILogger<UsageRecorder> logger)
    : BackgroundService
{
    private readonly Channel<Journaled> events = Channel.CreateUnbounded<Journaled>(new() { SingleReader = true });
    private readonly int batchSize = options.Value.UsageBatchSize;
    private readonly JournalOnlyEvents journalOnly = new(options.Value.UsageQueueLimit);

    /// <summary>Events queued in memory and not yet taken by the writer.</summary>
    internal int Queued => Volatile.Read(ref queued);

    /// <summary>Events left in the journal only, not yet stored from it.</summary>
    internal int JournalOnly => journalOnly.Count;

    /// <summary>Released when the queue reaches a full batch, so that the writer wakes once a batch, not once an event.</summary>
    private readonly SemaphoreSlim batchFull = new(0);

    /// <summary>Events queued and not yet taken by the writer: the backlog.</summary>
    private int queued;

    /// <summary>Daily totals and last-used times of a batch the database refused, written with the next one.</summary>
    private readonly Dictionary<DailyKey, long> unsavedDaily = [];
    private readonly Dictionary<string, DateTime> unsavedUsed = new(StringComparer.Ordinal);

    /// <summary>
    /// Queues an event whose call was admitted into the journal's segment <paramref name="admittedIn"/> and completed in
    /// <paramref name="completedIn"/> (null: not in the journal, a full disk), or past the queue's limit leaves it in the
    /// journal only; never blocks and never touches the database.
    /// </summary>
    public void Record(UsageEvent usage, JournalSegment? admittedIn, JournalSegment? completedIn)
    {
        // An event the journal holds can wait there when the queue is full; one it could not hold cannot.
        if (admittedIn is not null && completedIn is not null
            && journalOnly.TryLeave(Volatile.Read(ref queued), admittedIn, completedIn, out var started))
        {
            if (started)
            {
                LogLeaving(logger, options.Value.UsageQueueLimit);
            }
            return;
        }
        if (!events.Writer.TryWrite(new Journaled(usage, admittedIn)))
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
        metrics.Meter.CreateObservableGauge("frontier.usage.queue.length", () => Queued, "{event}",
            "Usage events queued for the write-behind and not yet taken by it.");
        metrics.Meter.CreateObservableGauge("frontier.usage.journal_only", () => JournalOnly, "{event}",
            "Usage events left in the journal only (the queue was full), to be stored from it once the queue has drained.");
        metrics.Meter.CreateObservableCounter("frontier.usage.journal.skipped", () => journal.SkippedLines, "{line}",
            "Usage journal lines that found no room (no segment could be made: a full disk); their calls were served unprotected against a crash until stored.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // First what a killed process left: its events, and the daily counters raised to them.
        var left = journal.Open();
        var replayed = await JournalReplay.ReplayAsync(db, left, time.GetUtcNow().UtcDateTime, cancellationToken);
        UsageJournal.Delete(left);
        if (replayed.Stored > 0)
        {
            LogReplayed(logger, replayed.Stored, replayed.Interrupted, left.Count);
        }
        // Today's counters come back from the database so that daily limits survive a restart.
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await dailyTotals.LoadAsync(await StoredDailyTotals.OfAsync(db, today, cancellationToken), cancellationToken);
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
        var batch = new List<Journaled>(batchSize);
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
            var taken = 0;
            while (batch.Count < batchSize && reader.TryRead(out var usage))
            {
                batch.Add(usage);
                taken++;
            }
            Interlocked.Add(ref queued, -taken);
            if (await WriteAsync(batch))
            {
                batch.Clear();
                // Caught up (less than a batch waiting: under steady traffic the queue is seldom empty): now the
                // events left in the journal only.
                if (Volatile.Read(ref queued) < batchSize && journalOnly.Count > 0)
                {
                    await StoreJournalOnlyAsync();
                }
            }
            else if (stoppingToken.IsCancellationRequested)
            {
                // Stopping with the database refusing: what is not stored is in the journal, for the next start.
                break;
            }
            else
            {
                // The batch is tried again (with whatever has come since, up to a batch), after a pause so that a
                // database that is down is not hammered; the events are safe in the journal meanwhile.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: the loop drains what is left, this batch first.
                }
            }
        }
        if (await WriteAsync(batch))
        {
            batch.Clear();
            if (Volatile.Read(ref queued) == 0 && journalOnly.Count > 0)
            {
                // Stopping: what is left in the journal is stored now if the database takes it, else at the next start.
                await StoreJournalOnlyAsync();
            }
        }
        if (batch.Count + Volatile.Read(ref queued) + journalOnly.Count is > 0 and var left)
        {
            LogStoppedUnstored(logger, left);
        }
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

    /// <summary>
    /// Writes the batch and the counters changed since the last write; false when the database refused them. An event
    /// the database has already is skipped: a write can fail after its commit reached the database (the connection
    /// lost during COMMIT), and the batch tried again holds it.
    /// </summary>
    private async Task<bool> WriteAsync(List<Journaled> batch)
    {
        foreach (var (key, value) in await dailyTotals.TakeChangedAsync())
        {
            unsavedDaily[key] = Math.Max(value, unsavedDaily.GetValueOrDefault(key));
        }
        foreach (var (prefix, at) in activity.Take())
        {
            unsavedUsed[prefix] = unsavedUsed.TryGetValue(prefix, out var before) && before > at ? before : at;
        }
        if (batch.Count == 0 && unsavedDaily.Count == 0 && unsavedUsed.Count == 0)
        {
            return true;
        }
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            // Polite only while caught up: with a full batch still waiting, writing fast is what keeps memory flat.
            await PreparedInsert.InsertAsync(db, batch.ConvertAll(j => j.Event), yieldBetweenRows: Volatile.Read(ref queued) < batchSize,
                skipExisting: true);
            await UsagePersistence.SaveDailyAsync(db, [.. unsavedDaily], time.GetUtcNow().UtcDateTime);
            await UsagePersistence.SaveLastUsedAsync(db, unsavedUsed);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException)
        {
            // The events stay in the journal (not released) and in the batch, which is tried again.
            LogWriteFailed(logger, e, batch.Count);
            return false;
        }
        unsavedDaily.Clear();
        unsavedUsed.Clear();
        metrics.RecordRowsWritten(batch.Count);
        foreach (var written in batch)
        {
            journal.Release(written.AdmittedIn);
        }
        return true;
    }

    private readonly record struct Journaled(UsageEvent Event, JournalSegment? AdmittedIn);



    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping with {Count} usage events not stored (the database refused them); the journal holds them, and the next start stores them.")]
    private static partial void LogStoppedUnstored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage event {Key} could not be queued.")]
    private static partial void LogDropped(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Stored {Count} usage events from the journal of a host that did not stop cleanly ({Interrupted} cut off by it; {Segments} segments).")]
    private static partial void LogReplayed(ILogger logger, int count, int interrupted, int segments);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} usage events failed; they stay in the journal and are tried again.")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, int count);
}
