using System.Text;
using System.Text.Json;
using FrontierGateway.Gateway.Wire;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// What the gateway reads from an inference body, and where in the bytes it sits. One forward pass of a
/// <see cref="Utf8JsonReader"/> over the whole body, which also checks that all of it is valid JSON, that every
/// string and name in it is text (<see cref="BodyChecks.IsText"/>), and that the fields the gateway acts on
/// (<c>model</c>, <c>stream</c>, <c>stream_options</c>, <c>metadata</c>, <c>max_tokens</c>,
/// <c>max_completion_tokens</c>, <c>n</c>, <c>best_of</c>) have the types and ranges OpenAI gives them. The rest of the body is
/// the model's to judge (the simulated one: <see cref="Simulated.SimulatedValidation"/>).
/// </summary>
internal sealed record BodyFields(string Model, bool Stream, bool IncludeUsage, string? Metadata)
{
    /// <summary>The byte range of the <c>model</c> value (a JSON string, quotes included).</summary>
    public Range ModelValue { get; private init; }

    /// <summary>The byte range of the <c>stream_options</c> value, when the body has one.</summary>
    public Range? StreamOptionsValue { get; private init; }

    /// <summary><c>max_completion_tokens</c>, else <c>max_tokens</c>: the longest answer the call asks for; null for none.</summary>
    public long? MaxOutputTokens { get; private init; }

    /// <summary><c>n</c>: how many answers the call asks for (1 when it does not say).</summary>
    public long Choices { get; private init; } = 1;

    /// <summary><c>best_of</c>: how many answers a completion generates to return the best <c>n</c>; null for none.</summary>
    public long? BestOf { get; private init; }

    /// <summary>
    /// How many prompts a <c>prompt</c> array holds (a completion answers each): its items, unless they are numbers
    /// (one prompt as token ids); 1 for a string or none.
    /// </summary>
    public long Prompts { get; private init; } = 1;

    /// <summary>Where the body's closing brace is.</summary>
    public int End { get; private init; }

    private static readonly BodyError MissingModel = new("you must provide a model parameter.",
        "model", "missing_required_parameter");

    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    public static (BodyFields? Fields, BodyError? Error) Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var (fields, error, notTextAt) = Scan(body);
            return (fields, notTextAt >= 0 ? BodyError.NotText(JsonPath.At(body, notTextAt)) : error);
        }
        catch (JsonException)
        {
            return (null, BodyError.NotJson("The body is not valid JSON."));
        }
    }

    /// <summary>The fields, or why not; or the offset of a string or name that is not text (else -1).</summary>
    private static (BodyFields?, BodyError?, long NotTextAt) Scan(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return reader.Read() ? throw new JsonException() : (null, BodyError.NotJson("The body must be a JSON object."), -1);
        }
        string? model = null;
        string? metadata = null;
        var stream = false;
        var includeUsage = false;
        Range? modelValue = null;
        Range? streamOptions = null;
        long? maxTokens = null, maxCompletionTokens = null, choices = null, bestOf = null;
        var prompts = 1L;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var (name, bit) = Known(ref reader);
            if (bit == 0 && !BodyChecks.IsText(ref reader))
            {
                return (null, null, reader.TokenStartIndex);
            }
            if ((seen & bit) != 0)
            {
                return (null, new BodyError($"The body repeats the property '{name}'.", name, "duplicate_parameter"), -1);
            }
            seen |= bit;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            var error = name switch
            {
                "model" when reader.TokenType == JsonTokenType.Null => MissingModel,
                "model" when reader.TokenType != JsonTokenType.String => BodyError.InvalidType("model", "a string", BodyChecks.Kind(ref reader)),
                "stream" => BodyChecks.Boolean(ref reader, "stream", out stream),
                "stream_options" => StreamOptions(ref reader, out includeUsage),
                "metadata" when reader.TokenType == JsonTokenType.StartObject => BodyChecks.Metadata(ref reader),
                "metadata" when reader.TokenType != JsonTokenType.Null => BodyError.InvalidType("metadata", "an object", BodyChecks.Kind(ref reader)),
                "max_tokens" => BodyChecks.Integer(ref reader, "max_tokens", 1, long.MaxValue),
                "max_completion_tokens" => BodyChecks.Integer(ref reader, "max_completion_tokens", 1, long.MaxValue),
                "n" => BodyChecks.Integer(ref reader, "n", 1, BodyChecks.MaxChoices),
                "best_of" => BodyChecks.Integer(ref reader, "best_of", 1, BodyChecks.MaxChoices),
                _ => null,
            };
            if (error is not null)
            {
                return (null, error, -1);
            }
            switch (name)
            {
                case "model":
                    if (!BodyChecks.IsText(ref reader))
                    {
                        return (null, null, start);
                    }
                    model = reader.GetString();
                    modelValue = start..(int)reader.BytesConsumed;
                    break;
                case "stream_options":
                    streamOptions = start..(int)reader.BytesConsumed;
                    break;
                case "max_tokens" when reader.TokenType == JsonTokenType.Number:
                    maxTokens = reader.GetInt64();
                    break;
                case "max_completion_tokens" when reader.TokenType == JsonTokenType.Number:
                    maxCompletionTokens = reader.GetInt64();
                    break;
                case "n" when reader.TokenType == JsonTokenType.Number:
                    choices = reader.GetInt64();
                    break;
                case "best_of" when reader.TokenType == JsonTokenType.Number:
                    bestOf = reader.GetInt64();
                    break;
                case "prompt":
                    if (BodyChecks.SkipText(ref reader) is var promptNotText and >= 0)
                    {
                        return (null, null, promptNotText);
                    }
                    prompts = PromptsIn(body[start..(int)reader.BytesConsumed]);
                    break;
                case "metadata" when reader.TokenType == JsonTokenType.EndObject:
                    metadata = Encoding.UTF8.GetString(body[start..(int)reader.BytesConsumed]);
                    break;
                case null when BodyChecks.SkipText(ref reader) is var notText and >= 0:
                    return (null, null, notText);
            }
        }
        var end = (int)reader.TokenStartIndex;
        if (reader.Read())
        {
            throw new JsonException("Content after the body's object.");
        }
        if (string.IsNullOrEmpty(model) || modelValue is not { } range)
        {
            return (null, MissingModel, -1);
        }
        return (new BodyFields(model, stream, includeUsage, metadata)
        {
            ModelValue = range,
            StreamOptionsValue = streamOptions,
            MaxOutputTokens = maxCompletionTokens ?? maxTokens,
            Choices = choices ?? 1,
            BestOf = bestOf,
            Prompts = prompts,
            End = end,
        }, null, -1);
    }

    /// <summary>The names the gateway reads, each with its own bit (a repeat of one is refused); null and 0 for any other.</summary>
    private static (string? Name, int Bit) Known(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("model"u8) ? ("model", 1)
        : reader.ValueTextEquals("stream"u8) ? ("stream", 2)
        : reader.ValueTextEquals("stream_options"u8) ? ("stream_options", 4)
        : reader.ValueTextEquals("metadata"u8) ? ("metadata", 8)
        : reader.ValueTextEquals("max_tokens"u8) ? ("max_tokens", 16)
        : reader.ValueTextEquals("max_completion_tokens"u8) ? ("max_completion_tokens", 32)
        : reader.ValueTextEquals("n"u8) ? ("n", 64)
        : reader.ValueTextEquals("best_of"u8) ? ("best_of", 128)
        : reader.ValueTextEquals("prompt"u8) ? ("prompt", 256)
        : (null, 0);

    /// <summary>The prompts a <c>prompt</c> value holds (see <see cref="Prompts"/>).</summary>
    private static long PromptsIn(ReadOnlySpan<byte> value)
    {
        var reader = new Utf8JsonReader(value, Options);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return 1;
        }
        var items = 0L;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                return 1;
            }
            items++;
            reader.Skip();
        }
        return Math.Max(items, 1);
    }

    /// <summary>
    /// Reads a <c>stream_options</c> value (an object or null) to its end; <paramref name="includeUsage"/> is true
    /// when it holds <c>"include_usage": true</c>. A name it repeats is refused, as at the top: the upstream body
    /// rewrites this object, and which of two values counts would be the upstream's guess.
    /// </summary>
    private static BodyError? StreamOptions(ref Utf8JsonReader reader, out bool includeUsage)
    {
        includeUsage = false;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return reader.TokenType == JsonTokenType.Null ? null
                : BodyError.InvalidType("stream_options", "an object", BodyChecks.Kind(ref reader));
        }
        // The usual object ({"include_usage": true}) is checked without allocating: other names go in a set.
        var sawIncludeUsage = false;
        HashSet<string>? names = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            if (!BodyChecks.IsText(ref reader))
            {
                return BodyError.NotText("stream_options");
            }
            var repeated = isIncludeUsage ? sawIncludeUsage : !(names ??= new(StringComparer.Ordinal)).Add(reader.GetString()!);
            sawIncludeUsage |= isIncludeUsage;
            if (repeated)
            {
                var name = $"stream_options.{reader.GetString()}";
                return new BodyError($"The body repeats the property '{name}'.", name, "duplicate_parameter");
            }
            reader.Read();
            if (isIncludeUsage && BodyChecks.Boolean(ref reader, "stream_options.include_usage", out includeUsage) is { } error)
            {
                return error;
            }
            if (BodyChecks.SkipText(ref reader) >= 0)
            {
                return BodyError.NotText("stream_options");
            }
        }
        return null;
    }
}
