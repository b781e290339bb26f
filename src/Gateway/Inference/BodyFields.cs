using System.Text;
using System.Text.Json;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// What the gateway reads from an inference body, and where in the bytes it sits. One forward pass of a
/// <see cref="Utf8JsonReader"/> over the whole body, which also checks that all of it is valid JSON.
/// </summary>
internal sealed record BodyFields(string Model, bool Stream, bool IncludeUsage, string? Metadata)
{
    /// <summary>The byte range of the <c>model</c> value (a JSON string, quotes included).</summary>
    public Range ModelValue { get; private init; }

    /// <summary>The byte range of the <c>stream_options</c> value, when the body has one.</summary>
    public Range? StreamOptionsValue { get; private init; }

    /// <summary>Where the body's closing brace is.</summary>
    public int End { get; private init; }

    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    public static (BodyFields? Fields, string? Error, string? Param) Read(ReadOnlySpan<byte> body)
    {
        try
        {
            return Scan(body);
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON.", null);
        }
    }

    private static (BodyFields?, string?, string?) Scan(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return reader.Read() ? throw new JsonException() : (null, "The body must be a JSON object.", null);
        }
        string? model = null;
        string? metadata = null;
        var stream = false;
        var includeUsage = false;
        Range? modelValue = null;
        Range? streamOptions = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var (name, bit) = Known(ref reader);
            if ((seen & bit) != 0)
            {
                return (null, $"The body repeats the property '{name}'.", name);
            }
            seen |= bit;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            switch (name)
            {
                case "model" when reader.TokenType == JsonTokenType.String:
                    model = reader.GetString();
                    modelValue = start..(int)reader.BytesConsumed;
                    break;
                case "stream":
                    stream = reader.TokenType == JsonTokenType.True;
                    break;
                case "stream_options" when reader.TokenType == JsonTokenType.StartObject:
                    includeUsage = ReadIncludeUsage(ref reader);
                    streamOptions = start..(int)reader.BytesConsumed;
                    break;
                case "stream_options":
                    streamOptions = start..(int)reader.BytesConsumed;
                    break;
                case "metadata" when reader.TokenType == JsonTokenType.StartObject:
                    reader.Skip();
                    metadata = Encoding.UTF8.GetString(body[start..(int)reader.BytesConsumed]);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        var end = (int)reader.TokenStartIndex;
        if (reader.Read())
        {
            throw new JsonException("Content after the body's object.");
        }
        if (string.IsNullOrEmpty(model) || modelValue is not { } range)
        {
            return (null, "you must provide a model parameter (a string: the model slug).", "model");
        }
        return (new BodyFields(model, stream, includeUsage, metadata)
        {
            ModelValue = range,
            StreamOptionsValue = streamOptions,
            End = end,
        }, null, null);
    }

    /// <summary>The names the gateway reads, each with its own bit (a repeat of one is refused); null and 0 for any other.</summary>
    private static (string? Name, int Bit) Known(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("model"u8) ? ("model", 1)
        : reader.ValueTextEquals("stream"u8) ? ("stream", 2)
        : reader.ValueTextEquals("stream_options"u8) ? ("stream_options", 4)
        : reader.ValueTextEquals("metadata"u8) ? ("metadata", 8)
        : (null, 0);

    /// <summary>Reads a <c>stream_options</c> object to its end; true when it holds <c>"include_usage": true</c>.</summary>
    private static bool ReadIncludeUsage(ref Utf8JsonReader reader)
    {
        var includeUsage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                includeUsage = reader.TokenType == JsonTokenType.True;
            }
            reader.Skip();
        }
        return includeUsage;
    }
}
