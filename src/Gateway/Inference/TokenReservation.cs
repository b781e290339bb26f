using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Wire;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// What admission reserves for a call against every TOKEN limit: the most tokens it can use. Its prompt, counted by
/// the tokenizer, plus the longest answer it asks for (<c>max_completion_tokens</c>, else <c>max_tokens</c>, else
/// <c>Limits:DefaultReservedOutputTokens</c>) times the answers it generates: <c>n</c>, or a completion's
/// <c>best_of</c> when larger, for each of a completion's prompts. An embedding has no answer.
/// </summary>
internal static class TokenReservation
{
    /// <summary>
    /// The most any call reserves: 2^53, exact in the doubles of the Redis store's scripts, and beyond every limit,
    /// so a call that asks for more is refused as too large all the same.
    /// </summary>
    public const long Most = 1L << 53;

    public static long For(InferenceCall call, TokenCounter tokens, long defaultOutput)
    {
        var fields = call.Request.Fields;
        var prompt = Math.Min(call.PromptTokens(tokens), Most);
        if (call.Request.Operation == InferenceOperation.Embeddings)
        {
            return prompt;
        }
        var output = fields.MaxOutputTokens ?? defaultOutput;
        var answers = Math.Max(fields.Choices, fields.BestOf ?? 1)
            * (call.Request.Operation == InferenceOperation.Completions ? fields.Prompts : 1);
        return output >= (Most - prompt) / answers ? Most : prompt + output * answers;
    }
}
