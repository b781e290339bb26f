using System.Text.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Inference;
using Microsoft.ML.Tokenizers;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Counts tokens with the o200k_base encoding (GPT-4o family): the gateway's own count when an
/// upstream reports no usage, and the simulated model's exact usage.
/// </summary>
public sealed class TokenCounter
{
    // OpenAI's documented estimate for chat prompts: each message is wrapped in
    // <|start|>{role}<|message|>...<|end|>, about 3 tokens, and the reply is primed with
    // <|start|>assistant<|message|>, another 3. Roles and names are not counted.
    private const int TokensPerMessage = 3;
    private const int ReplyPriming = 3;

    // Loading the encoding takes ~0.3 s and ~40 MB, so it happens once, on first use;
    // the tokenizer is thread-safe.
    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>The number of tokens of <paramref name="text"/>; 0 for null or empty.</summary>
    public int Count(string text) => string.IsNullOrEmpty(text) ? 0 : Tokenizer.Value.CountTokens(text);

    /// <summary>
    /// The prompt tokens of a request body: chat <c>messages[].content</c> (a string or text parts)
    /// plus the per-message overhead, completions <c>prompt</c>, embeddings <c>input</c> (strings or
    /// token ids). Fields that are missing or of an unexpected type count 0; this never throws.
    /// </summary>
    public int CountPrompt(InferenceOperation operation, JsonObject body) => operation switch
    {
        InferenceOperation.ChatCompletions => CountMessages(body["messages"]),
        InferenceOperation.Completions => CountInput(body["prompt"]),
        InferenceOperation.Embeddings => CountInput(body["input"]),
        _ => 0,
    };

    private int CountMessages(JsonNode? messages)
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
                total += TokensPerMessage + CountContent(m["content"]);
            }
        }

        return total == 0 ? 0 : total + ReplyPriming;
    }

    private int CountContent(JsonNode? content)
    {
        if (content is not JsonArray parts)
        {
            return Count(AsString(content) ?? "");
        }

        var total = 0;
        foreach (var part in parts)
        {
            if (part is JsonObject p && AsString(p["type"]) == "text")
            {
                total += Count(AsString(p["text"]) ?? "");
            }
        }

        return total;
    }

    // A string, an array of strings, an array of token ids, or an array of arrays of token ids.
    private int CountInput(JsonNode? input)
    {
        if (input is not JsonArray items)
        {
            return Count(AsString(input) ?? "");
        }

        var total = 0;
        foreach (var item in items)
        {
            total += item switch
            {
                JsonArray ids => ids.Count(IsNumber),
                _ when IsNumber(item) => 1,
                _ => Count(AsString(item) ?? ""),
            };
        }

        return total;
    }

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool IsNumber(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number;
}
