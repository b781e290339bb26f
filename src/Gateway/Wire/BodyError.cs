namespace FrontierGateway.Gateway.Wire;

/// <summary>Why a body cannot be served: OpenAI's message, the field it names (<c>messages[2].content</c>) and its code.</summary>
internal sealed record BodyError(string Message, string? Param, string Code)
{
    public static BodyError InvalidType(string param, string expected, string got) =>
        new($"Invalid type for '{param}': expected {expected}, but got {got} instead.", param, "invalid_type");

    public static BodyError Missing(string param) =>
        new($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static BodyError BelowMin(string param, string kind, double min, double value) =>
        new($"Invalid '{param}': {kind} below minimum value. Expected a value >= {min}, but got {value} instead.",
            param, $"{kind}_below_min_value");

    public static BodyError AboveMax(string param, string kind, double max, double value) =>
        new($"Invalid '{param}': {kind} above maximum value. Expected a value <= {max}, but got {value} instead.",
            param, $"{kind}_above_max_value");

    public static BodyError NotText(string? param) =>
        new($"Invalid '{param ?? "body"}': the text is not valid UTF-8 (or escapes an unpaired UTF-16 surrogate).",
            param, "invalid_encoding");

    public static BodyError NotJson(string message) => new(message, null, "invalid_json");
}
