using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using FrontierGateway.Gateway.Wire;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The checks <see cref="BodyFields"/> makes as its reader passes: they read the bytes under the reader and
/// allocate nothing unless they fail.
/// </summary>
internal static class BodyChecks
{
    /// <summary>OpenAI's limits on <c>metadata</c>, which the billing event carries.</summary>
    public const int MaxMetadataPairs = 16, MaxMetadataKey = 64, MaxMetadataValue = 512;

    /// <summary>OpenAI's limit on <c>n</c>.</summary>
    public const int MaxChoices = 128;

    /// <summary>
    /// True when the string or property name under the reader is text: valid UTF-8 (the reader checks the JSON
    /// grammar, not the encoding) whose <c>\u</c> escapes pair their surrogates.
    /// </summary>
    public static bool IsText(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        // Most escaped text escapes only line breaks and quotes: the careful scan is for text with a \u escape.
        return Utf8.IsValid(raw) && (!reader.ValueIsEscaped || raw.IndexOf("\\u"u8) < 0 || SurrogateEscapesPaired(raw));
    }

    /// <summary>
    /// Moves past the value under the reader as <see cref="Utf8JsonReader.Skip"/> does, checking every string and
    /// name in it; answers the offset of the first that is not text, else -1.
    /// </summary>
    public static long SkipText(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return reader.TokenType != JsonTokenType.String || IsText(ref reader) ? -1 : reader.TokenStartIndex;
        }
        var depth = reader.CurrentDepth;
        do
        {
            reader.Read();
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !IsText(ref reader))
            {
                return reader.TokenStartIndex;
            }
        }
        while (depth < reader.CurrentDepth);
        return -1;
    }

    /// <summary>What OpenAI's messages call the value under the reader: "a string", "an integer", "null"...</summary>
    public static string Kind(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => reader.TryGetInt64(out _) ? "an integer" : "a decimal",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => "null",
    };

    /// <summary>An optional integer in [min, max] (JSON null is as good as absent).</summary>
    public static BodyError? Integer(ref Utf8JsonReader reader, string param, long min, long max)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var n))
        {
            return BodyError.InvalidType(param, "an integer", Kind(ref reader));
        }
        return n < min ? BodyError.BelowMin(param, "integer", min, n)
            : n > max ? BodyError.AboveMax(param, "integer", max, n)
            : null;
    }

    /// <summary>An optional boolean: false when the value is JSON null.</summary>
    public static BodyError? Boolean(ref Utf8JsonReader reader, string param, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null
            ? null : BodyError.InvalidType(param, "a boolean", Kind(ref reader));
    }

    /// <summary>
    /// Reads a <c>metadata</c> object to its end: at most 16 pairs, keys of at most 64 characters, values strings of
    /// at most 512 (OpenAI's limits; the billing event carries them as they came).
    /// </summary>
    public static BodyError? Metadata(ref Utf8JsonReader reader)
    {
        var pairs = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!IsText(ref reader))
            {
                return BodyError.NotText("metadata");
            }
            if (++pairs > MaxMetadataPairs)
            {
                return new BodyError($"Invalid 'metadata': too many properties. Expected an object with at most "
                    + $"{MaxMetadataPairs} properties, but got more instead.", "metadata", "object_above_max_properties");
            }
            if (Length(ref reader, MaxMetadataKey) is { } keyLength)
            {
                return new BodyError($"Invalid 'metadata': key too long. Expected keys of at most {MaxMetadataKey} "
                    + $"characters, but got one of {keyLength} instead.", "metadata", "string_above_max_length");
            }
            var key = reader;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                return BodyError.InvalidType($"metadata.{key.GetString()}", "a string", Kind(ref reader));
            }
            if (!IsText(ref reader))
            {
                return BodyError.NotText($"metadata.{key.GetString()}");
            }
            if (Length(ref reader, MaxMetadataValue) is { } valueLength)
            {
                var param = $"metadata.{key.GetString()}";
                return new BodyError($"Invalid '{param}': string too long. Expected a string with maximum length "
                    + $"{MaxMetadataValue}, but got a string with length {valueLength} instead.", param, "string_above_max_length");
            }
        }
        return null;
    }

    /// <summary>The length in characters of the text under the reader when it is over <paramref name="max"/>, else null.</summary>
    private static int? Length(ref Utf8JsonReader reader, int max)
    {
        var raw = reader.ValueSpan;
        // A character takes at least one byte, and an escape at least two.
        if (raw.Length <= max)
        {
            return null;
        }
        var length = reader.ValueIsEscaped ? reader.GetString()!.Length : Encoding.UTF8.GetCharCount(raw);
        return length > max ? length : null;
    }

    /// <summary>False when a <c>\uD800</c>-<c>\uDFFF</c> escape is not half of a high-then-low pair.</summary>
    private static bool SurrogateEscapesPaired(ReadOnlySpan<byte> raw)
    {
        var lowDueAt = -1;
        var i = 0;
        while (i < raw.Length && raw[i..].IndexOf((byte)'\\') is var next and >= 0)
        {
            i += next;
            // The reader has checked the grammar: a backslash starts a whole escape.
            var unicode = raw[i + 1] == 'u';
            var surrogate = unicode && (raw[i + 2] | 0x20) == 'd' && (raw[i + 3] | 0x20) is >= (byte)'8' and not (>= (byte)':' and < (byte)'a');
            var low = surrogate && (raw[i + 3] | 0x20) >= 'c';
            if (lowDueAt >= 0 ? !(low && i == lowDueAt) : low)
            {
                return false;
            }
            lowDueAt = surrogate && !low ? i + 6 : -1;
            i += unicode ? 6 : 2;
        }
        return lowDueAt < 0;
    }
}
