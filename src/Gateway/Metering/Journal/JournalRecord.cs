using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Gateway.Metering.Journal;

/// <summary>What a journal line says of one call.</summary>
internal enum JournalKind
{
    /// <summary>The call was admitted; the event holds what was known then (an estimate of the prompt).</summary>
    Admitted,

    /// <summary>The call completed: the event is the one billing gets.</summary>
    Completed,

    /// <summary>The call ended without an event (refused upstream, failed, nothing delivered).</summary>
    Voided,
}

/// <summary>
/// One line of the journal: a JSON object and a newline, written by one positional write. A process killed
/// mid-call leaves whole lines (a write to the page cache is not torn by a kill) and, at worst, a run of zero bytes
/// where a reserved line was never written; the reader skips both kinds of damage.
/// </summary>
internal readonly record struct JournalRecord(JournalKind Kind, UsageEvent Event)
{
    // The journal is read only by this process's replay: no HTML-safe escaping, and the writer's order is this code's.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    /// <summary>The record as one line, in a per-thread buffer valid until the thread's next call.</summary>
    public ReadOnlyMemory<byte> Encode()
    {
        var output = buffer ??= new ArrayBufferWriter<byte>(512);
        output.ResetWrittenCount();
        var json = writer ??= new Utf8JsonWriter(output, Options);
        json.Reset(output);
        json.WriteStartObject();
        json.WriteString("k"u8, Kind switch { JournalKind.Admitted => "A"u8, JournalKind.Completed => "C"u8, _ => "V"u8 });
        json.WriteString("id"u8, Event.IdempotencyKey);
        if (Kind != JournalKind.Voided)
        {
            json.WriteNumber("ts"u8, Event.Timestamp.Ticks);
            json.WriteString("rq"u8, Event.RequestId);
            json.WriteString("s"u8, Event.ModelSlug);
            json.WriteString("g"u8, Event.GroupId);
            json.WriteString("e"u8, Event.ExternalEntityId);
            json.WriteString("p"u8, Event.ApiKeyPrefix);
            json.WriteString("m"u8, Event.RequestMetadata);
            json.WriteNumber("in"u8, Event.InputTokens);
            json.WriteNumber("out"u8, Event.OutputTokens);
            json.WriteNumber("ca"u8, Event.CachedInputTokens);
            json.WriteBoolean("est"u8, Event.Estimated);
            if (Event.Status is { } status)
            {
                // The request log's status and latency, so that a call stored from the journal is listed there too.
                json.WriteNumber("st"u8, status);
                json.WriteNumber("lat"u8, Event.LatencyMicroseconds ?? 0);
            }
            if (Event.Cost is { } cost)
            {
                json.WriteNumber("c"u8, cost);
                json.WriteString("cc"u8, Event.CostCurrency);
            }
        }
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
        return output.WrittenMemory;
    }

    /// <summary>Reads one line; null when it is not a whole record.</summary>
    public static JournalRecord? Decode(ReadOnlySpan<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            var kind = root.GetProperty("k").GetString() switch
            {
                "A" => JournalKind.Admitted,
                "C" => JournalKind.Completed,
                "V" => JournalKind.Voided,
                _ => (JournalKind?)null,
            };
            if (kind is not { } known)
            {
                return null;
            }
            var id = root.GetProperty("id").GetString()!;
            if (known == JournalKind.Voided)
            {
                return new JournalRecord(known, new UsageEvent
                {
                    IdempotencyKey = id, RequestId = "", ModelSlug = "", GroupId = "", ExternalEntityId = "", ApiKeyPrefix = "",
                });
            }
            return new JournalRecord(known, new UsageEvent
            {
                IdempotencyKey = id,
                Timestamp = new DateTime(root.GetProperty("ts").GetInt64(), DateTimeKind.Utc),
                RequestId = root.GetProperty("rq").GetString()!,
                ModelSlug = root.GetProperty("s").GetString()!,
                GroupId = root.GetProperty("g").GetString()!,
                ExternalEntityId = root.GetProperty("e").GetString()!,
                ApiKeyPrefix = root.GetProperty("p").GetString()!,
                RequestMetadata = root.GetProperty("m").GetString(),
                InputTokens = root.GetProperty("in").GetInt64(),
                OutputTokens = root.GetProperty("out").GetInt64(),
                CachedInputTokens = root.GetProperty("ca").GetInt64(),
                Estimated = root.GetProperty("est").GetBoolean(),
                // Lines of a build before prices have no cost: their calls had none.
                Cost = root.TryGetProperty("c", out var cost) ? cost.GetDecimal() : null,
                CostCurrency = root.TryGetProperty("cc", out var currency) ? currency.GetString() : null,
                // Lines of a build before them, or written with the request log off, have neither.
                Status = root.TryGetProperty("st", out var status) ? status.GetInt32() : null,
                LatencyMicroseconds = root.TryGetProperty("lat", out var latency) ? latency.GetInt64() : null,
            });
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Every whole record of a segment's bytes, in order; zero runs and damaged lines are skipped.</summary>
    public static IEnumerable<JournalRecord> ReadAll(byte[] bytes)
    {
        var start = 0;
        while (start < bytes.Length)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', start);
            var end = newline < 0 ? bytes.Length : newline;
            // A reserved line that was never written is zeros; what follows it on the same "line" is a record.
            foreach (var piece in Pieces(bytes, start, end))
            {
                if (Decode(bytes.AsSpan(piece.Start, piece.Length)) is { } record)
                {
                    yield return record;
                }
            }
            start = end + 1;
        }
    }

    private static IEnumerable<(int Start, int Length)> Pieces(byte[] bytes, int start, int end)
    {
        var from = start;
        for (var i = start; i <= end; i++)
        {
            if (i == end || bytes[i] == 0)
            {
                if (i > from)
                {
                    yield return (from, i - from);
                }
                from = i + 1;
            }
        }
    }
}
