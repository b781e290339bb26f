using FrontierGateway.Data.Entities;

namespace FrontierGateway.Gateway.Telemetry;

/// <summary>
/// Attribute names and values of the OpenTelemetry GenAI semantic conventions (gen_ai.*), and the gateway's own
/// (frontier.*). The values are the strings made once here, so recording a call allocates none.
/// </summary>
internal static class GenAi
{
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string TokenType = "gen_ai.token.type";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string ErrorType = "error.type";
    public const string GroupId = "frontier.group.id";
    public const string Input = "input";
    public const string Output = "output";

    /// <summary>The convention's <c>gen_ai.operation.name</c> values.</summary>
    public const string Chat = "chat";
    public const string TextCompletion = "text_completion";
    public const string Embeddings = "embeddings";

    /// <summary>
    /// <c>gen_ai.provider.name</c> of a target: the convention's <c>openai</c> for OpenAI, else the provider's own name
    /// (the convention names no value for an OpenAI-compatible server, Baseten or the built-in model).
    /// </summary>
    public static string Provider(ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAI => "openai",
        ProviderKind.OpenAICompatible => "openai_compatible",
        ProviderKind.Baseten => "baseten",
        _ => "simulated",
    };
}

/// <summary>A status code as the <c>error.type</c> value, made once per code.</summary>
internal static class StatusText
{
    private static readonly string[] Codes = Enumerable.Range(0, 600).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static string Of(int status) => (uint)status < Codes.Length ? Codes[status] : "_OTHER";
}

/// <summary>The <c>frontier.limit</c> value of a limit: its type and window, <c>token_minute</c>, <c>request_day</c>.</summary>
internal static class LimitNames
{
    public const string Admitted = "admitted";
    public const string Refused = "refused";
    public const string Unavailable = "unavailable";
    public const string Revoked = "revoked";

    public static string Of(LimitType type, LimitUnit unit) => (type, unit) switch
    {
        (LimitType.Token, LimitUnit.Second) => "token_second",
        (LimitType.Token, LimitUnit.Minute) => "token_minute",
        (LimitType.Token, _) => "token_day",
        (LimitType.Request, LimitUnit.Second) => "request_second",
        (LimitType.Request, LimitUnit.Minute) => "request_minute",
        _ => "request_day",
    };
}
