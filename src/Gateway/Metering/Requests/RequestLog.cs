using System.Threading.Channels;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Requests;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering.Requests;

/// <summary>
/// The queue between the request path and <see cref="RequestLogWriter"/>: bounded, and never waited on. Unlike usage
/// events (journaled, never lost), a log row is best effort: when the writer has fallen <see cref="RequestLogOptions.Capacity"/>
/// rows behind, a call's row is dropped and counted in <see cref="Dropped"/>, so the log never costs the request path
/// more than one allocation and one lock-free enqueue.
/// </summary>
internal sealed class RequestLog(IOptions<RequestLogOptions> options) : IRequestLogStats
{
    private readonly bool enabled = options.Value.Enabled;
    private readonly Channel<RequestLogEntry> entries = Channel.CreateBounded<RequestLogEntry>(
        new BoundedChannelOptions(options.Value.Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long dropped;

    public long Dropped => Interlocked.Read(ref dropped);

    public int RetentionHours => options.Value.RetentionHours;

    public bool Enabled => enabled;

    internal ChannelReader<RequestLogEntry> Reader => entries.Reader;

    /// <summary>Queues a row; never blocks (a full queue drops it, counted).</summary>
    public void Record(RequestLogEntry entry)
    {
        // With FullMode Wait, TryWrite answers false on a full queue instead of waiting.
        if (enabled && !entries.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref dropped);
        }
    }

    /// <summary>Rows the database refused: lost, and counted with the rest.</summary>
    internal void CountDropped(int count) => Interlocked.Add(ref dropped, count);

    internal void Complete() => entries.Writer.TryComplete();
}
