namespace FrontierGateway.Gateway.Wire;

/// <summary>The OpenAI-compatible operations the gateway serves.</summary>
public enum InferenceOperation
{
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    ChatCompletions,

    /// <summary><c>POST /v1/completions</c>.</summary>
    Completions,

    /// <summary><c>POST /v1/embeddings</c>.</summary>
    Embeddings,
}
