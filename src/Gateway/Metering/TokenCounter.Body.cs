using System.Text.Json;
using FrontierGateway.Gateway.Wire;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// The prompt's count straight from the body's bytes, for admission's token reservation on every call with a TOKEN
/// limit: the same count as <see cref="CountPrompt(InferenceOperation, System.Text.Json.Nodes.JsonObject)"/>, without
/// parsing the body into a tree first (a <c>JsonNode</c> tree of a small chat body is ~1.5 KB and a second pass).
/// </summary>
public sealed partial class TokenCounter
{
    /// <summary>Property names of one object the scan keeps to find a repeat; an object with more takes the tree.</summary>
    private const int MaxNamesChecked = 16;

    private static readonly JsonReaderOptions BodyOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    /// <summary>
    /// The prompt tokens of a request body as <see cref="CountPrompt(InferenceOperation, System.Text.Json.Nodes.JsonObject)"/>
    /// counts them once parsed; null when the body is not a plain case, and the tree's own rules must decide: a
    /// property name repeated or escaped in an object the tree would read (it refuses repeats), an object with more
    /// than <see cref="MaxNamesChecked"/> names, or bytes that are not a JSON object.
    /// </summary>
    public int? TryCountPrompt(InferenceOperation operation, ReadOnlySpan<byte> body)
    {
        var field = operation switch
        {
            InferenceOperation.ChatCompletions => "messages"u8,
            InferenceOperation.Completions => "prompt"u8,
            InferenceOperation.Embeddings => "input"u8,
            _ => default,
        };
        if (field.IsEmpty)
        {
            return 0;
        }
        try
        {
            var reader = new Utf8JsonReader(body, BodyOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            var budget = MaxExactBytes;
            int? count = 0;
            var found = false;
            Span<(int Start, int Length)> names = stackalloc (int, int)[MaxNamesChecked];
            var seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!Remember(ref reader, body, names, ref seen))
                {
                    return null;
                }
                var wanted = reader.ValueTextEquals(field);
                reader.Read();
                if (!wanted)
                {
                    reader.Skip();
                    continue;
                }
                found = true;
                count = operation == InferenceOperation.ChatCompletions
                    ? ScanMessages(ref reader, body, ref budget)
                    : ScanInput(ref reader, ref budget);
                if (count is null)
                {
                    return null;
                }
            }
            return found ? count : 0;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Keeps the current property name of an object to find a repeat: false (take the tree) when it repeats one
    /// kept, is escaped, or the object has more names than are kept.
    /// </summary>
    private static bool Remember(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, scoped Span<(int Start, int Length)> names,
        ref int seen)
    {
        if (reader.ValueIsEscaped || seen == names.Length)
        {
            return false;
        }
        var name = reader.ValueSpan;
        foreach (var (start, length) in names[..seen])
        {
            if (body.Slice(start, length).SequenceEqual(name))
            {
                return false;
            }
        }
        names[seen++] = ((int)reader.TokenStartIndex + 1, name.Length);
        return true;
    }

    /// <summary>The reader on the value of <c>messages</c>: as <c>CountMessages</c>; null to take the tree.</summary>
    private static int? ScanMessages(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, ref int budget)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }
        var total = 0;
        Span<(int Start, int Length)> names = stackalloc (int, int)[MaxNamesChecked];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            // A message: its content counted once its object is read through (a repeated name anywhere in it counts).
            var seen = 0;
            var content = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!Remember(ref reader, body, names, ref seen))
                {
                    return null;
                }
                var isContent = reader.ValueTextEquals("content"u8);
                reader.Read();
                if (!isContent)
                {
                    reader.Skip();
                    continue;
                }
                if (ScanContent(ref reader, body, ref budget) is not { } counted)
                {
                    return null;
                }
                content = counted;
            }
            total += TokensPerMessage + content;
        }
        return total == 0 ? 0 : total + ReplyPriming;
    }

    /// <summary>The reader on a message's <c>content</c>: as <c>CountContent</c>; null to take the tree.</summary>
    private static int? ScanContent(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, ref int budget)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return Count(reader.GetString()!, ref budget);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }
        var total = 0;
        Span<(int Start, int Length)> names = stackalloc (int, int)[MaxNamesChecked];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            var seen = 0;
            var isText = false;
            string? text = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!Remember(ref reader, body, names, ref seen))
                {
                    return null;
                }
                var (isType, isTextField) = (reader.ValueTextEquals("type"u8), reader.ValueTextEquals("text"u8));
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    isText = reader.ValueTextEquals("text"u8);
                }
                else if (isTextField && reader.TokenType == JsonTokenType.String)
                {
                    text = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
            if (isText)
            {
                total += Count(text ?? "", ref budget);
            }
        }
        return total;
    }

    /// <summary>The reader on <c>prompt</c> or <c>input</c>: as <c>CountInput</c> (objects in it are never read by name).</summary>
    private static int ScanInput(ref Utf8JsonReader reader, ref int budget)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return Count(reader.GetString()!, ref budget);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }
        var total = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    // Token ids: the numbers directly in it.
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        total += reader.TokenType == JsonTokenType.Number ? 1 : 0;
                        reader.Skip();
                    }
                    break;
                case JsonTokenType.Number:
                    total++;
                    break;
                case JsonTokenType.String:
                    total += Count(reader.GetString()!, ref budget);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return total;
    }
}
