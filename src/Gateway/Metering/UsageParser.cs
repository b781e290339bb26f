using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace FrontierGateway.Gateway.Metering;

/// <summary>What metering reads of one JSON payload: a response body or a stream chunk.</summary>
/// <param name="Usage">The <c>usage</c> object's tokens, null when there is none (or it is not an object).</param>
/// <param name="UsageOnly">True for the extra chunk that only carries usage (<c>"choices": []</c>).</param>
internal readonly record struct UsageReading(TokenUsage? Usage, bool UsageOnly);

/// <summary>
/// Reads OpenAI's <c>usage</c> object and the generated text out of a response body or stream chunk, in one pass of a
/// <see cref="Utf8JsonReader"/>: no document, no strings; the text is copied, unescaped, as UTF-8.
/// </summary>
/// <remarks>
/// It reads what <c>JsonDocument.Parse</c> and <c>JsonElement.TryGetProperty</c> read before (issue 16), to the
/// byte: the payload must be one valid JSON value or nothing is read; of a property named twice the last counts
/// (the document searched from the end); a choice's texts go in the order <c>text</c>, <c>delta.content</c>,
/// <c>message.content</c>, whatever their order in the chunk. That reading cost a document and strings a chunk
/// (110 bytes, ~0.6 µs; this one 0 bytes, ~0.4 µs: docs/PERFORMANCE.md, Streams). One difference: a text that is
/// not text (bytes that are not UTF-8, or a lone surrogate escape, as when a model's stream splits a character's
/// two halves over two chunks) threw there, failing the call unmetered; here each bad part is read as U+FFFD, as a
/// decoder reads it, and counted.
/// </remarks>
internal static partial class UsageParser
{
    /// <summary>
    /// Reads <paramref name="json"/> and appends its generated text to <paramref name="text"/>; null, with nothing
    /// appended, when it is not JSON.
    /// </summary>
    public static UsageReading? Read(ReadOnlySpan<byte> json, PooledBuffer text)
    {
        var mark = text.Count;
        try
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            var reading = reader.TokenType == JsonTokenType.StartObject ? ReadRoot(ref reader, json, text, mark) : default;
            reader.Skip();
            // As JsonDocument.Parse: nothing but white space may follow the value (this throws otherwise).
            reader.Read();
            return reading;
        }
        catch (JsonException)
        {
            text.Truncate(mark);
            return null;
        }
    }

    private static UsageReading ReadRoot(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, PooledBuffer text, int mark)
    {
        TokenUsage? usage = null;
        var choices = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                usage = reader.TokenType == JsonTokenType.StartObject ? ReadUsage(ref reader) : null;
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                // Only the last "choices" counts: what an earlier one appended goes.
                text.Truncate(mark);
                reader.Read();
                choices = reader.TokenType == JsonTokenType.StartArray ? ReadChoices(ref reader, json, text) : -1;
            }
            else
            {
                reader.Read();
            }
            reader.Skip();
        }
        return new UsageReading(usage, usage is not null && choices == 0);
    }

    private static TokenUsage ReadUsage(ref Utf8JsonReader reader)
    {
        long input = 0, output = 0, cached = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                input = ReadNumber(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                output = ReadNumber(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                reader.Read();
                cached = reader.TokenType == JsonTokenType.StartObject ? ReadCached(ref reader) : 0;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new TokenUsage(input, output, cached);
    }

    private static long ReadCached(ref Utf8JsonReader reader)
    {
        long cached = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cached = ReadNumber(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return cached;
    }

    // The property's value if it is a whole number that fits a long, else 0 (JsonElement.TryGetInt64's rule).
    private static long ReadNumber(ref Utf8JsonReader reader)
    {
        reader.Read();
        var value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) ? n : 0;
        reader.Skip();
        return value;
    }

    private static int ReadChoices(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, PooledBuffer text)
    {
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                ReadChoice(ref reader, json, text);
            }
            else
            {
                reader.Skip();
            }
        }
        return count;
    }

    private static void ReadChoice(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, PooledBuffer text)
    {
        TextToken completion = default;
        MessageText delta = default, message = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                completion = TextToken.Of(ref reader);
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                delta = ReadContent(ref reader);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                message = ReadContent(ref reader);
            }
            else
            {
                reader.Read();
            }
            reader.Skip();
        }
        completion.AppendTo(json, text);
        delta.AppendTo(json, text);
        message.AppendTo(json, text);
    }

    // The texts of a delta or message object: its "content" string and its calls' names and arguments; the reader is
    // left on the object's end (or on the value that was not an object, for the caller to skip).
    private static MessageText ReadContent(ref Utf8JsonReader reader)
    {
        MessageText texts = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return texts;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContent = reader.ValueTextEquals("content"u8);
            var isToolCalls = reader.ValueTextEquals("tool_calls"u8);
            var isFunctionCall = reader.ValueTextEquals("function_call"u8);
            reader.Read();
            if (isContent)
            {
                texts = texts with { Content = TextToken.Of(ref reader) };
            }
            else if (isToolCalls)
            {
                texts = texts with { ToolCalls = Extent.Of(ref reader, JsonTokenType.StartArray) };
            }
            else if (isFunctionCall)
            {
                texts = texts with { FunctionCall = Extent.Of(ref reader, JsonTokenType.StartObject) };
            }
            reader.Skip();
        }
        return texts;
    }

    /// <summary>Where a string value lies in the payload, quotes included; empty when the value was not a string.</summary>
    private readonly record struct TextToken(int Start, int Length, bool Escaped)
    {
        public static TextToken Of(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String
            ? new TextToken((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2, reader.ValueIsEscaped)
            : default;

        /// <summary>Appends the string's UTF-8 bytes, unescaped; a part that is not text as U+FFFD.</summary>
        public void AppendTo(ReadOnlySpan<byte> json, PooledBuffer text)
        {
            if (Length == 0)
            {
                return;
            }
            var token = json.Slice(Start, Length);
            var target = text.GetSpan(Length);
            int written;
            if (Escaped)
            {
                // A string is a JSON value of its own: a reader over it alone unescapes it.
                var reader = new Utf8JsonReader(token);
                reader.Read();
                try
                {
                    written = reader.CopyString(target);
                }
                catch (InvalidOperationException)
                {
                    AppendReplacing(token, text);
                    return;
                }
            }
            else
            {
                token[1..^1].CopyTo(target);
                written = Length - 2;
            }
            if (!Utf8.IsValid(target[..written]))
            {
                AppendReplacing(token, text);
                return;
            }
            text.Advance(written);
        }

        /// <summary>
        /// The rare path: the string's bytes decoded with U+FFFD for what is not UTF-8, its escapes read by hand (the
        /// reader has checked their grammar) so that a lone surrogate stays one, and the result encoded with U+FFFD
        /// for each lone surrogate.
        /// </summary>
        private static void AppendReplacing(ReadOnlySpan<byte> token, PooledBuffer text)
        {
            var raw = Encoding.UTF8.GetString(token[1..^1]);
            var unescaped = new StringBuilder(raw.Length);
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] != '\\')
                {
                    unescaped.Append(raw[i]);
                    continue;
                }
                i++;
                unescaped.Append(raw[i] switch
                {
                    'b' => '\b',
                    'f' => '\f',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'u' => (char)Convert.ToUInt16(raw.Substring(i + 1, 4), 16),
                    var c => c,
                });
                i += raw[i] == 'u' ? 4 : 0;
            }
            var bytes = Encoding.UTF8.GetBytes(unescaped.ToString());
            bytes.CopyTo(text.GetSpan(bytes.Length));
            text.Advance(bytes.Length);
        }
    }
}
