using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The body an upstream gets: the client's bytes with the target's model name spliced in and, on a stream,
/// usage asked for (<c>stream_options.include_usage</c>). Everything else is copied as it came.
/// </summary>
internal static class UpstreamBody
{
    private static readonly byte[] IncludeUsage = "{\"include_usage\":true}"u8.ToArray();
    private static readonly byte[] StreamOptionsMember = ",\"stream_options\":{\"include_usage\":true}"u8.ToArray();

    /// <summary>
    /// Writes the upstream's body, with <paramref name="modelJson"/> (a JSON string) as its model, into a buffer
    /// rented from the shared pool; the caller returns it.
    /// </summary>
    public static (byte[] Buffer, int Length) Build(ReadOnlySpan<byte> body, BodyFields fields, byte[] modelJson)
    {
        var (modelStart, modelLength) = fields.ModelValue.GetOffsetAndLength(body.Length);
        var first = new Edit(modelStart, modelStart + modelLength, modelJson);
        Edit? second = null;
        if (fields.Stream && !fields.IncludeUsage)
        {
            second = fields.StreamOptionsValue is { } options
                ? Options(body, options)
                : new Edit(fields.End, fields.End, StreamOptionsMember);
        }
        if (second is { } later && later.Start < first.Start)
        {
            (first, second) = (later, first);
        }
        var length = body.Length + first.Growth + (second?.Growth ?? 0);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var written = 0;
        var from = 0;
        foreach (var edit in (ReadOnlySpan<Edit?>)[first, second])
        {
            if (edit is not { } e)
            {
                continue;
            }
            body[from..e.Start].CopyTo(buffer.AsSpan(written));
            written += e.Start - from;
            e.With.CopyTo(buffer.AsSpan(written));
            written += e.With.Length;
            from = e.End;
        }
        body[from..].CopyTo(buffer.AsSpan(written));
        return (buffer, length);
    }

    /// <summary>A <c>stream_options</c> value that does not ask for usage, rewritten to ask for it.</summary>
    private static Edit Options(ReadOnlySpan<byte> body, Range value)
    {
        var (start, length) = value.GetOffsetAndLength(body.Length);
        if (JsonNode.Parse(body.Slice(start, length)) is not JsonObject options)
        {
            return new Edit(start, start + length, IncludeUsage);
        }
        options["include_usage"] = true;
        return new Edit(start, start + length, JsonSerializer.SerializeToUtf8Bytes(options));
    }


    private readonly record struct Edit(int Start, int End, byte[] With)
    {
        public int Growth => With.Length - (End - Start);
    }
}
