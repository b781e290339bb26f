using System.Text;
using System.Text.Json;

namespace FrontierGateway.Gateway.Metering;

/// <summary>Reads OpenAI's <c>usage</c> object and the generated text out of a response body or stream chunk.</summary>
internal static class UsageParser
{
    /// <summary>The usage of a response body or stream chunk, if it has one.</summary>
    public static TokenUsage? ReadUsage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var input = Number(usage, "prompt_tokens");
        var output = Number(usage, "completion_tokens");
        var cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
            ? Number(details, "cached_tokens") : 0;
        return new TokenUsage(input, output, cached);
    }

    /// <summary>Appends the generated text of a response body or stream chunk to <paramref name="text"/>.</summary>
    public static void AppendText(JsonElement root, StringBuilder text)
    {
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
        {
            foreach (var choice in choices.EnumerateArray())
            {
                AppendChoice(choice, text);
            }
        }
    }

    /// <summary>True for the extra chunk that only carries usage (<c>"choices": []</c>).</summary>
    public static bool IsUsageOnlyChunk(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
        && choices.GetArrayLength() == 0;

    private static void AppendChoice(JsonElement choice, StringBuilder text)
    {
        if (choice.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (choice.TryGetProperty("text", out var completion) && completion.ValueKind == JsonValueKind.String)
        {
            text.Append(completion.GetString());
        }
        foreach (var name in (ReadOnlySpan<string>)["delta", "message"])
        {
            if (choice.TryGetProperty(name, out var message) && message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
            }
        }
    }

    private static long Number(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;
}
