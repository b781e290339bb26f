using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Sits between the proxy (or the simulated model) and the client and reads usage as the response passes.
/// A JSON body goes straight through and a copy is parsed at the end. A server-sent event stream is passed
/// on event by event, each flushed at once, so nothing waits for more than its own event; the usage-only
/// chunk is held back from a client that did not ask for usage.
/// The response's last bytes are held until <see cref="ReleaseAsync"/>, so that the call's event is journaled
/// before the client can see a complete response: a JSON body's last write, a stream's <c>data: [DONE]</c> event
/// and anything unterminated after it. A chunked response also ends only when the request does, after both.
/// </summary>
internal sealed class MeteringStream(Stream inner, Func<bool> isEventStream, bool hideUsageChunk) : Stream
{
    private const int MaxCapturedBytes = 32 * 1024 * 1024;

    // A JSON body's copy, or a stream's unfinished event.
    private readonly PooledBuffer buffer = new();
    // The last bytes, written by ReleaseAsync.
    private readonly PooledBuffer held = new();
    private bool? eventStream;
    private bool overflow;
    // The generated text so far, as UTF-8 (half a StringBuilder's bytes for ASCII); it is counted whole, at the end,
    // only when no usage came: a BPE count made chunk by chunk could differ where the chunks meet.
    private PooledBuffer? delivered;

    /// <summary>The usage the response reported, if it did.</summary>
    public TokenUsage? Usage { get; private set; }

    /// <summary>The generated text that reached the client; read only when no usage came.</summary>
    public string DeliveredText => delivered is null ? "" : Encoding.UTF8.GetString(delivered.Written.Span);

    public long BytesWritten { get; private set; }

    /// <summary>When a stream's first event was sent on (a Stopwatch timestamp): the time to first token.</summary>
    public long? FirstEventAt { get; private set; }

    private PooledBuffer Delivered => delivered ??= new PooledBuffer(minimumSize: 1024);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        eventStream ??= isEventStream();
        BytesWritten += data.Length;
        if (eventStream == false)
        {
            Capture(data.Span);
            if (held.Count > 0)
            {
                await inner.WriteAsync(held.Written, ct);
                held.Discard(held.Count);
            }
            held.Append(data.Span);
            return;
        }
        buffer.Append(data.Span);
        // The events to send on lie one after the other in the buffer: each run of them goes in one write.
        var consumed = 0;
        var run = 0;
        var wrote = false;
        while (NextEvent(buffer.Written.Span[consumed..]) is var length and > 0)
        {
            var segment = buffer.Written.Slice(consumed, length);
            var keep = Inspect(segment);
            if (keep && held.Count == 0 && !IsDone(segment.Span))
            {
                consumed += length;
                continue;
            }
            if (consumed > run)
            {
                await WriteRunAsync(run, consumed, ct);
                wrote = true;
            }
            if (keep)
            {
                held.Append(segment.Span);
            }
            consumed += length;
            run = consumed;
        }
        if (consumed > run)
        {
            await WriteRunAsync(run, consumed, ct);
            wrote = true;
        }
        buffer.Discard(consumed);
        if (wrote)
        {
            await inner.FlushAsync(ct);
        }
    }

    private ValueTask WriteRunAsync(int start, int end, CancellationToken ct)
    {
        FirstEventAt ??= Stopwatch.GetTimestamp();
        return inner.WriteAsync(buffer.Written[start..end], ct);
    }

    /// <summary>Holds what is left of an unterminated event and reads the usage of a JSON body.</summary>
    public void Complete()
    {
        if (eventStream == true && buffer.Count > 0)
        {
            var rest = buffer.Written;
            if (Inspect(rest))
            {
                held.Append(rest.Span);
            }
            buffer.Discard(buffer.Count);
        }
        else if (eventStream == false && !overflow && buffer.Count > 0)
        {
            // Not an event stream: the body is one JSON value (or, when it is not JSON, the gateway counts the call).
            if (UsageParser.Read(buffer.Written.Span, Delivered) is { } body)
            {
                Usage = body.Usage;
                if (Usage is not null)
                {
                    // The text is only for a count of the gateway's own.
                    Delivered.Truncate(0);
                }
            }
        }
    }

    /// <summary>Sends the bytes held back: the response is complete for the client once they are out.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        if (held.Count > 0)
        {
            await inner.WriteAsync(held.Written, ct);
            held.Discard(held.Count);
        }
    }

    private static bool IsDone(ReadOnlySpan<byte> sse) =>
        sse.StartsWith("data:"u8) && sse[5..].Trim(" \t\r\n"u8).SequenceEqual("[DONE]"u8);

    /// <summary>
    /// Reads one event; false when it must not reach the client. Its data is what an SSE client reads: the values of its
    /// <c>data:</c> lines joined by LF (a server may split one JSON payload over several). Data lines that are each a
    /// payload of their own, which no SSE client would parse, are still read one by one, as before.
    /// </summary>
    private bool Inspect(ReadOnlyMemory<byte> sse)
    {
        var lines = DataLines(sse.Span);
        if (lines <= 1)
        {
            return InspectLines(sse.Span);
        }
        var joined = ArrayPool<byte>.Shared.Rent(sse.Length);
        try
        {
            var length = JoinData(sse.Span, joined);
            return Payload(joined.AsSpan(0, length)) is { } chunk ? Keep(chunk) : InspectLines(sse.Span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
        }
    }

    private bool InspectLines(ReadOnlySpan<byte> sse)
    {
        var keep = true;
        foreach (var line in sse.Split((byte)'\n'))
        {
            if (sse[line].StartsWith("data:"u8) && Payload(sse[line][5..]) is { } chunk)
            {
                keep &= Keep(chunk);
            }
        }
        return keep;
    }

    // A JSON object's usage and text (JSON allows the whitespace, and a CR, around it); null for anything else, which
    // is passed on untouched.
    private UsageReading? Payload(ReadOnlySpan<byte> data) =>
        data.TrimStart(" \t\r\n"u8) is [(byte)'{', ..] ? UsageParser.Read(data, Delivered) : null;

    private bool Keep(UsageReading chunk)
    {
        Usage = chunk.Usage ?? Usage;
        return !(hideUsageChunk && chunk.UsageOnly);
    }

    private static int DataLines(ReadOnlySpan<byte> sse)
    {
        var count = 0;
        foreach (var line in sse.Split((byte)'\n'))
        {
            count += sse[line].StartsWith("data:"u8) ? 1 : 0;
        }
        return count;
    }

    // The data lines' values (after "data:"), joined by LF, into target; its length.
    private static int JoinData(ReadOnlySpan<byte> sse, Span<byte> target)
    {
        var written = 0;
        foreach (var line in sse.Split((byte)'\n'))
        {
            if (!sse[line].StartsWith("data:"u8))
            {
                continue;
            }
            if (written > 0)
            {
                target[written++] = (byte)'\n';
            }
            var value = sse[line][5..].TrimEnd((byte)'\r');
            value.CopyTo(target[written..]);
            written += value.Length;
        }
        return written;
    }

    /// <summary>Where the first event ends: after its first blank line, whether its lines end in LF or CRLF (or both).</summary>
    private static int NextEvent(ReadOnlySpan<byte> data)
    {
        var at = 0;
        while (data[at..].IndexOf((byte)'\n') is var newline and >= 0)
        {
            at += newline + 1;
            if (data[at..].StartsWith("\n"u8))
            {
                return at + 1;
            }
            if (data[at..].StartsWith("\r\n"u8))
            {
                return at + 2;
            }
        }
        return 0;
    }

    private void Capture(ReadOnlySpan<byte> data)
    {
        if (overflow || buffer.Count + data.Length > MaxCapturedBytes)
        {
            overflow = true;
            return;
        }
        buffer.Append(data);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            buffer.Dispose();
            held.Dispose();
            delivered?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override Task WriteAsync(byte[] data, int offset, int count, CancellationToken ct) =>
        WriteAsync(data.AsMemory(offset, count), ct).AsTask();

    public override void Write(byte[] data, int offset, int count) =>
        WriteAsync(data.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);

    public override void Flush() => inner.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
