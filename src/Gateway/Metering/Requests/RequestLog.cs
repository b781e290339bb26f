using System.Threading.Channels;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Requests;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering.Requests;

/// <summary>
/// The queue between the request path and <see cref="RequestLogWriter"/>, never waited on. Unlike usage events
/// (journaled, never lost), a log row is best effort: when the writer has fallen <see cref="RequestLogOptions.Capacity"/>
/// rows behind, a call's row is dropped and counted in <see cref="Dropped"/>. On the request path a row costs one
/// allocation, one interlocked increment and an enqueue on the same single-consumer channel the usage recorder uses
/// (a bounded channel would take its lock on every write). As with the usage recorder, the writer is woken once a
/// batch (<see cref="WaitForBatchAsync"/>), not once a row: a writer that waited for each row with a timer of its own
/// woke a thread-pool thread for nearly every call at c=64.
/// </summary>
internal sealed class RequestLog(IOptions<RequestLogOptions> options) : IRequestLogStats
{
    private readonly bool enabled = options.Value.Enabled;
    private readonly int capacity = options.Value.Capacity;
    private readonly int batchSize = options.Value.BatchSize;
    private readonly Channel<RequestLogEntry> entries = Channel.CreateUnbounded<RequestLogEntry>(new() { SingleReader = true });

    /// <summary>Released when the queue reaches a full batch (and on completion), so that the writer wakes once a batch.</summary>
    private readonly SemaphoreSlim batchFull = new(0);

    /// <summary>Rows queued and not yet taken by the writer.</summary>
    private int queued;
    private long dropped;

    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Rows waiting for the writer.</summary>
    internal int Queued => Volatile.Read(ref queued);

    public int RetentionHours => options.Value.RetentionHours;

    public bool Enabled => enabled;

    /// <summary>Queues a row; never blocks (past the capacity it is dropped, and counted).</summary>
    public void Record(RequestLogEntry entry)
    {
        if (!enabled)
        {
            return;
        }
        var count = Interlocked.Increment(ref queued);
        if (count > capacity || !entries.Writer.TryWrite(entry))
        {
            Interlocked.Decrement(ref queued);
            Interlocked.Increment(ref dropped);
        }
        else if (count == batchSize)
        {
            batchFull.Release();
        }
    }

    /// <summary>The writer's side: the next row, if one is queued.</summary>
    internal bool TryRead(out RequestLogEntry entry)
    {
        if (!entries.Reader.TryRead(out entry!))
        {
            return false;
        }
        Interlocked.Decrement(ref queued);
        return true;
    }

    /// <summary>Waits for a row; false once the queue is completed and empty.</summary>
    internal ValueTask<bool> WaitToReadAsync(CancellationToken ct) => entries.Reader.WaitToReadAsync(ct);

    internal bool IsCompleted => entries.Reader.Completion.IsCompleted;

    /// <summary>
    /// Waits until a full batch is queued, the queue is completed, or <paramref name="limit"/> (on
    /// <paramref name="time"/>) has passed: the writer's one wait for a batch to fill.
    /// </summary>
    internal async Task WaitForBatchAsync(TimeSpan limit, TimeProvider time)
    {
        if (Queued >= batchSize || IsCompleted)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(limit, time);
        try
        {
            await batchFull.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The flush interval ended: the batch goes as it is.
        }
    }

    /// <summary>Rows the database refused: lost, and counted with the rest.</summary>
    internal void CountDropped(int count) => Interlocked.Add(ref dropped, count);

    internal void Complete()
    {
        entries.Writer.TryComplete();
        // A batch still filling is written now.
        batchFull.Release();
    }
}
