using System.Text.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Wire;

namespace FrontierGateway.Gateway.Simulated;

/// <summary>
/// What the simulated model refuses, as OpenAI does, with OpenAI's messages and codes: the gateway has checked the
/// fields it acts on (<see cref="BodyFields"/>); the rest of the body is the model's to judge, as it is a real
/// upstream's. A reasonable subset: the required input of each operation and the common sampling ranges.
/// </summary>
internal static class SimulatedValidation
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];
    private const int MaxStops = 4, MaxEmbeddingInputs = 2048;

    public static BodyError? Check(InferenceOperation operation, JsonObject body) => operation switch
    {
        InferenceOperation.ChatCompletions => Messages(body["messages"]) ?? Sampling(body),
        InferenceOperation.Completions => Prompt(body) ?? Sampling(body),
        _ => Input(body),
    };

    private static BodyError? Sampling(JsonObject body) =>
        Range(body, "temperature", 0, 2) ?? Range(body, "top_p", 0, 1)
        ?? Range(body, "presence_penalty", -2, 2) ?? Range(body, "frequency_penalty", -2, 2)
        ?? Stop(body["stop"])
        ?? (body["stream_options"] is not null && body["stream"]?.GetValueKind() != JsonValueKind.True
            ? new BodyError("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options", "invalid_value")
            : null);

    private static BodyError? Messages(JsonNode? messages)
    {
        if (messages is not JsonArray list)
        {
            return messages is null ? BodyError.Missing("messages") : BodyError.InvalidType("messages", "an array", Kind(messages));
        }
        if (list.Count == 0)
        {
            return new BodyError("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                "messages", "empty_array");
        }
        for (var i = 0; i < list.Count; i++)
        {
            if (Message(list[i], $"messages[{i}]") is { } error)
            {
                return error;
            }
        }
        return null;
    }

    private static BodyError? Message(JsonNode? node, string param)
    {
        if (node is not JsonObject message)
        {
            return BodyError.InvalidType(param, "an object", Kind(node));
        }
        var role = message["role"];
        if (role is null || role.GetValueKind() != JsonValueKind.String)
        {
            return role is null ? BodyError.Missing($"{param}.role") : BodyError.InvalidType($"{param}.role", "a string", Kind(role));
        }
        if (!Roles.Contains(role.GetValue<string>()))
        {
            return new BodyError($"Invalid value: '{role.GetValue<string>()}'. Supported values are: "
                + "'system', 'developer', 'user', 'assistant', 'tool', and 'function'.", $"{param}.role", "invalid_value");
        }
        var content = message["content"];
        // An assistant's turn may be tool calls alone.
        if (content is null && role.GetValue<string>() != "assistant")
        {
            return message.ContainsKey("content")
                ? BodyError.InvalidType($"{param}.content", "one of a string or array of objects", "null")
                : BodyError.Missing($"{param}.content");
        }
        if (role.GetValue<string>() == "tool" && message["tool_call_id"]?.GetValueKind() != JsonValueKind.String)
        {
            return BodyError.Missing($"{param}.tool_call_id");
        }
        return content is null || content.GetValueKind() == JsonValueKind.String ? null : Parts(content, $"{param}.content");
    }

    /// <summary>A message's content given as parts: objects with a <c>type</c>, and text for a text part.</summary>
    private static BodyError? Parts(JsonNode content, string param)
    {
        if (content is not JsonArray parts)
        {
            return BodyError.InvalidType(param, "one of a string or array of objects", Kind(content));
        }
        for (var j = 0; j < parts.Count; j++)
        {
            var part = $"{param}[{j}]";
            if (parts[j] is not JsonObject item)
            {
                return BodyError.InvalidType(part, "an object", Kind(parts[j]));
            }
            if (item["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String)
            {
                return item["type"] is null ? BodyError.Missing($"{part}.type") : BodyError.InvalidType($"{part}.type", "a string", Kind(item["type"]));
            }
            if (type.GetValue<string>() == "text" && item["text"]?.GetValueKind() != JsonValueKind.String)
            {
                return item["text"] is null ? BodyError.Missing($"{part}.text") : BodyError.InvalidType($"{part}.text", "a string", Kind(item["text"]));
            }
        }
        return null;
    }

    /// <summary><c>prompt</c>: a string, or an array of strings, of token ids, or of token-id arrays.</summary>
    private static BodyError? Prompt(JsonObject body) => body["prompt"] switch
    {
        null => BodyError.Missing("prompt"),
        JsonArray items => Items(items, "prompt"),
        var prompt when prompt.GetValueKind() == JsonValueKind.String => null,
        var prompt => BodyError.InvalidType("prompt", "a string or an array", Kind(prompt)),
    };

    /// <summary><c>input</c>: a non-empty string, or a non-empty array of them, of token ids, or of token-id arrays.</summary>
    private static BodyError? Input(JsonObject body)
    {
        var input = body["input"];
        var error = input switch
        {
            null => BodyError.Missing("input"),
            JsonArray { Count: 0 } => new BodyError("Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.", "input", "empty_array"),
            JsonArray { Count: > MaxEmbeddingInputs } items => new BodyError($"Invalid 'input': array too long. Expected an array with maximum length {MaxEmbeddingInputs}, but got an array with length {items.Count} instead.", "input", "array_above_max_length"),
            JsonArray items => Items(items, "input"),
            _ when input.GetValueKind() != JsonValueKind.String => BodyError.InvalidType("input", "a string or an array", Kind(input)),
            _ when input.GetValue<string>().Length == 0 => new BodyError("Invalid 'input': empty string. Expected a non-empty string.", "input", "empty_string"),
            _ => null,
        };
        if (error is not null)
        {
            return error;
        }
        if (body["dimensions"] is { } dimensions && (dimensions.GetValueKind() != JsonValueKind.Number || !dimensions.AsValue().TryGetValue<long>(out var n)))
        {
            return BodyError.InvalidType("dimensions", "an integer", Kind(dimensions));
        }
        return Range(body, "dimensions", 1, SimulatedEmbeddings.MaxDimensions, "integer")
            ?? (body["encoding_format"] is { } format && (format.GetValueKind() != JsonValueKind.String || format.GetValue<string>() is not ("float" or "base64"))
                ? new BodyError($"Invalid value: '{format.ToJsonString().Trim('"')}'. Supported values are: 'float' and 'base64'.", "encoding_format", "invalid_value")
                : null);
    }

    private static BodyError? Items(JsonArray items, string param)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var ok = item switch
            {
                JsonArray ids => ids.All(IsInteger),
                _ => item is not null && (item.GetValueKind() == JsonValueKind.String || IsInteger(item)),
            };
            if (!ok)
            {
                return BodyError.InvalidType($"{param}[{i}]", "a string, a token id or an array of token ids", Kind(item));
            }
        }
        return null;
    }

    private static BodyError? Stop(JsonNode? stop) => stop switch
    {
        null => null,
        JsonArray { Count: > MaxStops } list => new BodyError($"Invalid 'stop': array too long. Expected an array with maximum length {MaxStops}, but got an array with length {list.Count} instead.", "stop", "array_above_max_length"),
        JsonArray list => list.Select((s, i) => s?.GetValueKind() == JsonValueKind.String ? null : BodyError.InvalidType($"stop[{i}]", "a string", Kind(s)))
            .FirstOrDefault(e => e is not null),
        _ when stop.GetValueKind() == JsonValueKind.String => null,
        _ => BodyError.InvalidType("stop", "a string or an array of strings", Kind(stop)),
    };

    /// <summary>An optional number in [min, max] (null is as good as absent).</summary>
    private static BodyError? Range(JsonObject body, string param, double min, double max, string kind = "decimal")
    {
        if (body[param] is not { } node)
        {
            return null;
        }
        if (node.GetValueKind() != JsonValueKind.Number)
        {
            return BodyError.InvalidType(param, "a number", Kind(node));
        }
        var value = node.GetValue<double>();
        return value < min ? BodyError.BelowMin(param, kind, min, value)
            : value > max ? BodyError.AboveMax(param, kind, max, value)
            : null;
    }

    private static bool IsInteger(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out _);

    private static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => IsInteger(node) ? "an integer" : "a decimal",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        _ => "an array",
    };
}
