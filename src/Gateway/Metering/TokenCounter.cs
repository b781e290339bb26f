using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Wire;
using Microsoft.ML.Tokenizers;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Counts tokens with the o200k_base encoding (GPT-4o family): the gateway's own count when an
/// upstream reports no usage, and the simulated model's exact usage.
/// </summary>
public sealed partial class TokenCounter
{
    // OpenAI's documented estimate for chat prompts: each message is wrapped in
    // <|start|>{role}<|message|>...<|end|>, about 3 tokens, and the reply is primed with
    // <|start|>assistant<|message|>, another 3. Roles and names are not counted.
    private const int TokensPerMessage = 3;
    private const int ReplyPriming = 3;

    // Loading the encoding takes ~0.3 s and ~42 MB, so it happens once a process: at a host's start
    // (TokenizerLoad), or on first use; the tokenizer is thread-safe.
    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>
    /// The UTF-8 bytes counted exactly per text, or per request body in <see cref="CountPrompt"/>; past them the
    /// count is <see cref="Estimate"/>. Counting costs up to ~1 µs a byte for the worst text (a run of random letters
    /// or CJK, cut into 256-byte pieces that all differ; prose ~0.1 µs), so a request costs at most about a second of
    /// CPU whatever its size (bodies go up to 32 MB; bench/token-count/README.md). 1 MB is ~250K tokens of English,
    /// more than nearly every model's context.
    /// </summary>
    public const int MaxExactBytes = 1_000_000;

    /// <summary>Loads the vocabulary now if no count has yet; true when this call loaded it.</summary>
    public bool Load()
    {
        if (Tokenizer.IsValueCreated)
        {
            return false;
        }
        _ = Tokenizer.Value;
        return true;
    }

    /// <summary>The number of tokens of <paramref name="text"/>; 0 for null or empty.</summary>
    public int Count(string text)
    {
        var budget = MaxExactBytes;
        return Count(text, ref budget, prompt: false);
    }

    /// <summary>
    /// The estimate for text past <see cref="MaxExactBytes"/>: a token per 4 UTF-8 bytes, OpenAI's rule of thumb for
    /// English (o200k: 3.9 bytes a token on this README, 4.2 on C#, fewer on dense text such as base64: 1.5).
    /// </summary>
    internal static int Estimate(ReadOnlySpan<char> text) => (int)((Encoding.UTF8.GetByteCount(text) + 3L) / 4);

    /// <summary>Prompt texts' counts (<see cref="CountPrompt"/>, <see cref="TryCountPrompt"/>), shared by the process as the tokenizer is.</summary>
    internal static PromptCounts Prompts { get; } = new(capacity: 10_000);

    // Counts exactly what the budget still allows, estimates the rest, and draws the budget down. A prompt's text
    // counted whole (within the budget) is looked up first: its count depends on the text alone.
    private static int Count(string text, ref int budget, bool prompt = true)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var exact = 0;
        while (exact < text.Length && LongRuns.Utf8Bytes(text[exact]) <= budget)
        {
            budget -= LongRuns.Utf8Bytes(text[exact++]);
        }
        if (exact == text.Length)
        {
            return prompt && text.Length >= PromptCounts.MinChars
                ? Prompts.GetOrCount(text, static t => LongRuns.Count(Tokenizer.Value, t))
                : LongRuns.Count(Tokenizer.Value, text);
        }

        // Never count half a surrogate pair: the pair goes whole to the estimate.
        if (exact > 0 && char.IsLowSurrogate(text[exact]))
        {
            exact--;
        }
        budget = 0;
        return LongRuns.Count(Tokenizer.Value, text.AsSpan(0, exact)) + Estimate(text.AsSpan(exact));
    }

    /// <summary>
    /// The prompt tokens of a request body: chat <c>messages[].content</c> (a string or text parts)
    /// plus the per-message overhead, completions <c>prompt</c>, embeddings <c>input</c> (strings or
    /// token ids). Fields that are missing or of an unexpected type count 0; this never throws. The texts of one
    /// body share one <see cref="MaxExactBytes"/>.
    /// </summary>
    public int CountPrompt(InferenceOperation operation, JsonObject body)
    {
        var budget = MaxExactBytes;
        return operation switch
        {
            InferenceOperation.ChatCompletions => CountMessages(body["messages"], ref budget),
            InferenceOperation.Completions => CountInput(body["prompt"], ref budget),
            InferenceOperation.Embeddings => CountInput(body["input"], ref budget),
            _ => 0,
        };
    }

    private static int CountMessages(JsonNode? messages, ref int budget)
    {
        if (messages is not JsonArray array)
        {
            return 0;
        }

        var total = 0;
        foreach (var message in array)
        {
            if (message is JsonObject m)
            {
                total += TokensPerMessage + CountContent(m["content"], ref budget);
            }
        }

        return total == 0 ? 0 : total + ReplyPriming;
    }

    private static int CountContent(JsonNode? content, ref int budget)
    {
        if (content is not JsonArray parts)
        {
            return Count(AsString(content) ?? "", ref budget);
        }

        var total = 0;
        foreach (var part in parts)
        {
            if (part is JsonObject p && AsString(p["type"]) == "text")
            {
                total += Count(AsString(p["text"]) ?? "", ref budget);
            }
        }

        return total;
    }

    // A string, an array of strings, an array of token ids, or an array of arrays of token ids.
    private static int CountInput(JsonNode? input, ref int budget)
    {
        if (input is not JsonArray items)
        {
            return Count(AsString(input) ?? "", ref budget);
        }

        var total = 0;
        foreach (var item in items)
        {
            total += item switch
            {
                JsonArray ids => ids.Count(IsNumber),
                _ when IsNumber(item) => 1,
                _ => Count(AsString(item) ?? "", ref budget),
            };
        }

        return total;
    }

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool IsNumber(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number;
}
