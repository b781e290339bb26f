namespace FrontierGateway.Gateway.Simulated;

/// <summary>One generated answer: the pieces it streams as, their text, and its exact usage.</summary>
internal sealed record SimulatedCompletion(
    bool Chat,
    string Id,
    long Created,
    string Model,
    IReadOnlyList<string> Pieces,
    string Text,
    string FinishReason,
    int PromptTokens,
    int CompletionTokens);
