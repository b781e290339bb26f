using System.Diagnostics;
using System.Text;
using System.Text.Json;

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
    private StringBuilder? delivered;

    /// <summary>The usage the response reported, if it did.</summary>
    public TokenUsage? Usage { get; private set; }

    /// <summary>The generated text that reached the client; read only when no usage came.</summary>
    public string DeliveredText => delivered?.ToString() ?? "";

    public long BytesWritten { get; private set; }

    /// <summary>When a stream's first event was sent on (a Stopwatch timestamp): the time to first token.</summary>
    public long? FirstEventAt { get; private set; }

    private StringBuilder Delivered => delivered ??= new StringBuilder();

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
        var consumed = 0;
        var wrote = false;
        while (NextEvent(buffer.Written.Span[consumed..]) is var length and > 0)
        {
            var segment = buffer.Written.Slice(consumed, length);
            consumed += length;
            if (!Inspect(segment))
            {
                continue;
            }
            if (held.Count > 0 || IsDone(segment.Span))
            {
                held.Append(segment.Span);
            }
            else
            {
                FirstEventAt ??= Stopwatch.GetTimestamp();
                await inner.WriteAsync(segment, ct);
                wrote = true;
            }
        }
        buffer.Discard(consumed);
        if (wrote)
        {
            await inner.FlushAsync(ct);
        }
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
            try
            {
                using var document = JsonDocument.Parse(buffer.Written);
                Usage = UsageParser.ReadUsage(document.RootElement);
                if (Usage is null)
                {
                    UsageParser.AppendText(document.RootElement, Delivered);
                }
            }
            catch (JsonException)
            {
                // Not JSON: nothing to read; the gateway counts the call itself.
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

    /// <summary>Reads one event; false when it must not reach the client.</summary>
    private bool Inspect(ReadOnlyMemory<byte> sse)
    {
        var keep = true;
        var rest = sse;
        while (!rest.IsEmpty)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? default : rest[(newline + 1)..];
            if (!line.Span.StartsWith("data:"u8) || line.Span[5..].TrimStart(" \t"u8) is not [(byte)'{', ..])
            {
                continue;
            }
            try
            {
                // JSON allows the whitespace (and a CR) around the payload.
                using var document = JsonDocument.Parse(line[5..]);
                UsageParser.AppendText(document.RootElement, Delivered);
                Usage = UsageParser.ReadUsage(document.RootElement) ?? Usage;
                keep &= !(hideUsageChunk && UsageParser.IsUsageOnlyChunk(document.RootElement));
            }
            catch (JsonException)
            {
                // A chunk that is not JSON is passed on untouched.
            }
        }
        return keep;
    }

    private static int NextEvent(ReadOnlySpan<byte> data)
    {
        var end = data.IndexOf("\n\n"u8);
        if (end >= 0)
        {
            return end + 2;
        }
        var crlf = data.IndexOf("\r\n\r\n"u8);
        return crlf >= 0 ? crlf + 4 : 0;
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
