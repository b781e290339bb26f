using System.Buffers;
using System.Text.Json;

namespace FrontierGateway.Gateway.Simulated;

/// <summary>Server-sent events <c>data: {json}\n\n</c>, each flushed to the client as soon as it is written.</summary>
internal sealed class EventStreamWriter(Stream body) : IDisposable
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private readonly ArrayBufferWriter<byte> buffer = new();
    private readonly Utf8JsonWriter json = new(Stream.Null);

    /// <summary>Starts an event; write one JSON value to the writer, then <see cref="SendAsync"/>.</summary>
    public Utf8JsonWriter StartEvent()
    {
        buffer.ResetWrittenCount();
        buffer.Write("data: "u8);
        json.Reset(buffer);
        return json;
    }

    public async Task SendAsync(CancellationToken ct)
    {
        json.Flush();
        buffer.Write("\n\n"u8);
        await body.WriteAsync(buffer.WrittenMemory, ct);
        await body.FlushAsync(ct);
    }

    public async Task SendDoneAsync(CancellationToken ct)
    {
        await body.WriteAsync(Done, ct);
        await body.FlushAsync(ct);
    }

    public void Dispose() => json.Dispose();
}
