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
/// (a bounded channel would take its lock on every write).
/// </summary>
internal sealed class RequestLog(IOptions<RequestLogOptions> options) : IRequestLogStats
{
    private readonly bool enabled = options.Value.Enabled;
    private readonly int capacity = options.Value.Capacity;
    private readonly Channel<RequestLogEntry> entries = Channel.CreateUnbounded<RequestLogEntry>(new() { SingleReader = true });

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
        if (Interlocked.Increment(ref queued) > capacity || !entries.Writer.TryWrite(entry))
        {
            Interlocked.Decrement(ref queued);
            Interlocked.Increment(ref dropped);
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

    /// <summary>Rows the database refused: lost, and counted with the rest.</summary>
    internal void CountDropped(int count) => Interlocked.Add(ref dropped, count);

    internal void Complete() => entries.Writer.TryComplete();
}
