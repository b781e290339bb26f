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
/// last use. On a graceful shutdown it drains everything it was given before the host stops. Every event is in
/// the <see cref="UsageJournal"/> before its call was answered; a batch in the database releases its lines, and
/// at start-up whatever a killed process left in the journal is replayed first. Memory is bounded: past
/// <see cref="GatewayOptions.UsageQueueLimit"/> queued events (a database slow or down for long) an event is not queued
/// but left in the journal, counted against the segment its call was admitted into, and once the queue has drained the
/// writer stores such events from the journal (<see cref="JournalCatchUp"/>) and lets their segments go.
/// </summary>
internal sealed partial class UsageRecorder(IDbContextFactory<FrontierDbContext> dbFactory, IDailyTotals dailyTotals,
    KeyActivity activity, TokenCounter tokens, UsageJournal journal, IOptions<GatewayOptions> options, TimeProvider time,
    GatewayMetrics metrics, ILogger<UsageRecorder> logger)
    : BackgroundService
{
    private readonly Channel<Journaled> events = Channel.CreateUnbounded<Journaled>(new() { SingleReader = true });
    private readonly int batchSize = options.Value.UsageBatchSize;
    private readonly int queueLimit = options.Value.UsageQueueLimit;

    /// <summary>Guards <see cref="spilling"/> and <see cref="spilled"/>: whether an event is queued or left in the journal.</summary>
    private readonly Lock spillGate = new();

    /// <summary>Set when the queue reaches its limit; until the writer has stored every event left in the journal, each new one is left there too.</summary>
    private volatile bool spilling;

    /// <summary>Events left in the journal and not yet stored from it, by the segment their call was admitted into.</summary>
    private Dictionary<JournalSegment, int> spilled = [];

    private int spilledCount;

    /// <summary>Events queued in memory and not yet taken by the writer.</summary>
    internal int Queued => Volatile.Read(ref queued);

    /// <summary>Events left in the journal only, not yet stored from it.</summary>
    internal int JournalOnly
    {
        get
        {
            lock (spillGate)
            {
                return spilledCount;
            }
        }
    }

    /// <summary>Released when the queue reaches a full batch, so that the writer wakes once a batch, not once an event.</summary>
    private readonly SemaphoreSlim batchFull = new(0);

    /// <summary>Events queued and not yet taken by the writer: the backlog.</summary>
    private int queued;

    /// <summary>Daily totals and last-used times of a batch the database refused, written with the next one.</summary>
    private readonly Dictionary<DailyKey, long> unsavedDaily = [];
    private readonly Dictionary<string, DateTime> unsavedUsed = new(StringComparer.Ordinal);

    /// <summary>
    /// Queues an event journaled in <paramref name="admittedIn"/> (null: not journaled, the disk full); never blocks and
    /// never touches the database.
    /// </summary>
    public void Record(UsageEvent usage, JournalSegment? admittedIn, bool journaled = true)
    {
        // An event whose lines the journal holds can wait there when the queue is full; one it could not hold cannot.
        if ((spilling || Volatile.Read(ref queued) >= queueLimit) && journaled && admittedIn is not null && Spill(admittedIn))
        {
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

    /// <summary>Leaves the event in the journal, unless the writer has just finished with such events and the queue has room.</summary>
    private bool Spill(JournalSegment admittedIn)
    {
        lock (spillGate)
        {
            if (!spilling && Volatile.Read(ref queued) < queueLimit)
            {
                return false;
            }
            if (!spilling)
            {
                spilling = true;
                LogSpilling(logger, queueLimit);
            }
            spilled[admittedIn] = spilled.GetValueOrDefault(admittedIn) + 1;
            spilledCount++;
            return true;
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
            // A batch still holding events is one whose write failed, tried again.
            var retried = batch.Count > 0;
            var taken = 0;
            while (batch.Count < batchSize && reader.TryRead(out var usage))
            {
                batch.Add(usage);
                taken++;
            }
            Interlocked.Add(ref queued, -taken);
            if (await WriteAsync(batch, retried))
            {
                batch.Clear();
                // Drained: now the events left in the journal, oldest first, before anything new is queued.
                if (spilling && Volatile.Read(ref queued) == 0)
                {
                    await StoreSpilledAsync();
                }
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
        if (await WriteAsync(batch, retried: batch.Count > 0) && spilling)
        {
            // Stopping: what is left in the journal is stored now if the database takes it, else at the next start.
            await StoreSpilledAsync();
        }
    }

    /// <summary>
    /// Stores the events left in the journal and lets their segments go, pass after pass: each pass takes the events
    /// left so far (those left meanwhile wait for the next, a shorter one), until a pass ends with none left, when new
    /// events are queued again. The lines of every event counted before a pass takes them were written before it, so
    /// the segments read after it hold them. Stops at the first failure, tried again after the next write.
    /// </summary>
    private async Task StoreSpilledAsync()
    {
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            Dictionary<JournalSegment, int> taken;
            lock (spillGate)
            {
                (taken, spilled) = (spilled, []);
            }
            var count = taken.Values.Sum();
            try
            {
                var stored = await JournalCatchUp.StoreAsync(dbFactory, journal.SegmentPaths(), CancellationToken.None);
                metrics.RecordRowsWritten(stored);
                LogStoredSpilled(logger, stored, count);
            }
            catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException or IOException)
            {
                lock (spillGate)
                {
                    foreach (var (segment, calls) in taken)
                    {
                        spilled[segment] = spilled.GetValueOrDefault(segment) + calls;
                    }
                }
                LogWriteFailed(logger, e, count);
                return;
            }
            foreach (var (segment, calls) in taken)
            {
                journal.Release(segment, calls);
            }
            lock (spillGate)
            {
                spilledCount -= count;
                if (spilled.Count == 0)
                {
                    spilling = false;
                    LogSpillingEnded(logger);
                    return;
                }
            }
        }
    }

    /// <summary>Passes in a row at most; under traffic that outruns them the writer's loop comes back to them.</summary>
    private const int MaxPasses = 20;

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
    /// Writes the batch and the counters changed since the last write; false when the database refused them. A batch
    /// <paramref name="retried"/> after a failed write first sets aside what the database has of it.
    /// </summary>
    private async Task<bool> WriteAsync(List<Journaled> batch, bool retried)
    {
        if (retried && !await SetAsideStoredAsync(batch))
        {
            return false;
        }
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
            await PreparedInsert.InsertAsync(db, batch.ConvertAll(j => j.Event), yieldBetweenRows: Volatile.Read(ref queued) < batchSize);
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

    /// <summary>
    /// Takes out of a batch being tried again the events the database has already: a write can fail after its commit
    /// reached the database (the connection lost during COMMIT), and inserting those events again would fail on their
    /// keys at every try, holding back every later event. They are stored, so their journal lines are released.
    /// False when the database cannot be read either.
    /// </summary>
    private async Task<bool> SetAsideStoredAsync(List<Journaled> batch)
    {
        HashSet<string> stored;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var keys = batch.ConvertAll(j => j.Event.IdempotencyKey);
            stored = [.. await db.UsageEvents.Where(e => keys.Contains(e.IdempotencyKey)).Select(e => e.IdempotencyKey).ToListAsync()];
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            LogWriteFailed(logger, e, batch.Count);
            return false;
        }
        if (stored.Count > 0)
        {
            LogFoundStored(logger, stored.Count);
            foreach (var written in batch.Where(j => stored.Contains(j.Event.IdempotencyKey)))
            {
                journal.Release(written.AdmittedIn);
            }
            batch.RemoveAll(j => stored.Contains(j.Event.IdempotencyKey));
        }
        return true;
    }

    private readonly record struct Journaled(UsageEvent Event, JournalSegment? AdmittedIn);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Count} usage events of a batch whose write failed were stored all the same (its commit reached the database); they are not written again.")]
    private static partial void LogFoundStored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The usage queue reached its limit of {Limit} events (Gateway:UsageQueueLimit; the database is slow or down): new events stay in the journal only until the queue has drained, then are stored from it.")]
    private static partial void LogSpilling(ILogger logger, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Stored} usage events from the journal ({Left} had been left there only).")]
    private static partial void LogStoredSpilled(ILogger logger, int stored, int left);

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage events are queued in memory again.")]
    private static partial void LogSpillingEnded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage event {Key} could not be queued.")]
    private static partial void LogDropped(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Stored {Count} usage events from the journal of a host that did not stop cleanly ({Interrupted} cut off by it; {Segments} segments).")]
    private static partial void LogReplayed(ILogger logger, int count, int interrupted, int segments);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} usage events failed; they stay in the journal and are tried again.")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, int count);
}
