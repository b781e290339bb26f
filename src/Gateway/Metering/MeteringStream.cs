using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Sits between the proxy (or the simulated model) and the client and reads usage as the response passes.
/// A JSON body goes straight through and a copy is parsed at the end. A server-sent event stream is passed
/// on event by event, each flushed at once, so nothing waits for more than its own event; the usage-only
/// chunk is held back from a client that did not ask for usage.
/// </summary>
internal sealed class MeteringStream(Stream inner, Func<bool> isEventStream, bool hideUsageChunk) : Stream
{
    private const int MaxCapturedBytes = 32 * 1024 * 1024;
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    private readonly ArrayBufferWriter<byte> buffer = new();
    private bool? eventStream;
    private bool overflow;

    /// <summary>The usage the response reported, if it did.</summary>
    public TokenUsage? Usage { get; private set; }

    /// <summary>The generated text that reached the client.</summary>
    public StringBuilder Delivered { get; } = new();

    public long BytesWritten { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        eventStream ??= isEventStream();
        BytesWritten += data.Length;
        if (eventStream == false)
        {
            Capture(data.Span);
            await inner.WriteAsync(data, ct);
            return;
        }
        buffer.Write(data.Span);
        var consumed = 0;
        var wrote = false;
        while (NextEvent(buffer.WrittenSpan[consumed..]) is var length and > 0)
        {
            var segment = buffer.WrittenMemory.Slice(consumed, length);
            consumed += length;
            if (Inspect(segment.Span))
            {
                await inner.WriteAsync(segment, ct);
                wrote = true;
            }
        }
        Keep(consumed);
        if (wrote)
        {
            await inner.FlushAsync(ct);
        }
    }

    /// <summary>Sends what is left of an unterminated event and reads the usage of a JSON body.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        if (eventStream == true && buffer.WrittenCount > 0)
        {
            var rest = buffer.WrittenMemory;
            if (Inspect(rest.Span))
            {
                await inner.WriteAsync(rest, ct);
            }
            buffer.ResetWrittenCount();
        }
        else if (eventStream == false && !overflow && buffer.WrittenCount > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(buffer.WrittenMemory);
                Usage = UsageParser.Read(document.RootElement, Delivered);
            }
            catch (JsonException)
            {
                // Not JSON: nothing to read; the gateway counts the call itself.
            }
        }
    }

    /// <summary>Reads one event; false when it must not reach the client.</summary>
    private bool Inspect(ReadOnlySpan<byte> sse)
    {
        var text = Encoding.UTF8.GetString(sse);
        var keep = true;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (!trimmed.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }
            var payload = trimmed[5..].Trim();
            if (payload.Length == 0 || payload[0] != '{')
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(payload);
                Usage = UsageParser.Read(document.RootElement, Delivered) ?? Usage;
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
        var end = data.IndexOf(EventEnd);
        if (end >= 0)
        {
            return end + EventEnd.Length;
        }
        var crlf = data.IndexOf("\r\n\r\n"u8);
        return crlf >= 0 ? crlf + 4 : 0;
    }

    private void Keep(int consumed)
    {
        if (consumed == 0)
        {
            return;
        }
        var rest = buffer.WrittenSpan[consumed..].ToArray();
        buffer.ResetWrittenCount();
        buffer.Write(rest);
    }

    private void Capture(ReadOnlySpan<byte> data)
    {
        if (overflow || buffer.WrittenCount + data.Length > MaxCapturedBytes)
        {
            overflow = true;
            return;
        }
        buffer.Write(data);
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
