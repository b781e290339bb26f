using System.Text;
using System.Text.Json;
using FrontierGateway.Gateway.Metering;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>The oracle: metering's reading through a <see cref="JsonDocument"/>, as before issue 16, and a model's calls.</summary>
public sealed partial class UsageParserTests
{
    private sealed record Reading(string Text, TokenUsage? Usage, bool UsageOnly, bool Throws);

    // The reading of MeteringStream and UsageParser before issue 16, with the calls' texts since; null when JsonDocument.Parse threw.
    private static Reading? Reference(byte[] payload)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            var text = new StringBuilder();
            var throws = false;
            try
            {
                AppendText(root, text);
            }
            catch (InvalidOperationException)
            {
                throws = true;
            }
            var usageOnly = root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("choices", out var c) && c.ValueKind == JsonValueKind.Array && c.GetArrayLength() == 0;
            return new Reading(text.ToString(), ReadUsage(root), usageOnly, throws);
        }
    }

    private static TokenUsage? ReadUsage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
            ? Number(details, "cached_tokens") : 0;
        return new TokenUsage(Number(usage, "prompt_tokens"), Number(usage, "completion_tokens"), cached);
    }

    private static void AppendText(JsonElement root, StringBuilder text)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        foreach (var choice in choices.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
        {
            if (choice.TryGetProperty("text", out var completion) && completion.ValueKind == JsonValueKind.String)
            {
                text.Append(completion.GetString());
            }
            foreach (var name in new[] { "delta", "message" })
            {
                if (!choice.TryGetProperty(name, out var message) || message.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    text.Append(content.GetString());
                }
                if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
                    {
                        if (call.TryGetProperty("function", out var function))
                        {
                            AppendFunction(function, text);
                        }
                    }
                }
                if (message.TryGetProperty("function_call", out var functionCall))
                {
                    AppendFunction(functionCall, text);
                }
            }
        }
    }

    private static void AppendFunction(JsonElement function, StringBuilder text)
    {
        foreach (var part in new[] { "name", "arguments" })
        {
            if (function.ValueKind == JsonValueKind.Object && function.TryGetProperty(part, out var value)
                && value.ValueKind == JsonValueKind.String)
            {
                text.Append(value.GetString());
            }
        }
    }

    private static long Number(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;
}
