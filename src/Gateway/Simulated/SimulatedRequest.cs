using System.Text.Json.Nodes;

namespace FrontierGateway.Gateway.Simulated;

/// <summary>The parts of a request body the simulated model obeys; anything odd falls back to a default.</summary>
internal sealed record SimulatedRequest(string Model, bool Stream, bool IncludeUsage, int MaxTokens, bool MaxTokensGiven)
{
    public static SimulatedRequest From(JsonObject body, SimulatedOptions options)
    {
        var max = PositiveInt(body["max_completion_tokens"]) ?? PositiveInt(body["max_tokens"]);
        return new(
            AsString(body["model"]) ?? "",
            Bool(body["stream"]),
            body["stream_options"] is JsonObject streamOptions && Bool(streamOptions["include_usage"]),
            Math.Min(max ?? options.DefaultMaxTokens, SimulatedOptions.MaxCompletionTokens),
            max is not null);
    }

    public static int? PositiveInt(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var n) && n > 0 ? n : null;

    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static bool Bool(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var b) && b;
}
