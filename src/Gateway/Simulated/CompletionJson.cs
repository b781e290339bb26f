using System.Text.Json;

namespace FrontierGateway.Gateway.Simulated;

/// <summary>OpenAI's chat.completion, text_completion and chunk shapes.</summary>
internal static class CompletionJson
{
    public static void WriteResponse(Utf8JsonWriter json, SimulatedCompletion completion)
    {
        json.WriteStartObject();
        WriteHeader(json, completion, chunk: false);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        if (completion.Chat)
        {
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            json.WriteString("content", completion.Text);
            json.WriteNull("refusal");
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("text", completion.Text);
        }

        json.WriteNull("logprobs");
        json.WriteString("finish_reason", completion.FinishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        WriteUsage(json, completion);
        json.WriteEndObject();
    }

    /// <summary>A content chunk; <paramref name="withUsage"/> adds the <c>"usage": null</c> OpenAI sends when usage will follow.</summary>
    public static void WriteChunk(Utf8JsonWriter json, SimulatedCompletion completion, string piece, bool first, string? finishReason, bool withUsage)
    {
        json.WriteStartObject();
        WriteHeader(json, completion, chunk: true);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        if (completion.Chat)
        {
            json.WriteStartObject("delta");
            if (first)
            {
                json.WriteString("role", "assistant");
            }

            json.WriteString("content", piece);
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("text", piece);
        }

        json.WriteNull("logprobs");
        if (finishReason is null)
        {
            json.WriteNull("finish_reason");
        }
        else
        {
            json.WriteString("finish_reason", finishReason);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        if (withUsage)
        {
            json.WriteNull("usage");
        }

        json.WriteEndObject();
    }

    /// <summary>The last chunk when the client asked for <c>stream_options.include_usage</c>.</summary>
    public static void WriteUsageChunk(Utf8JsonWriter json, SimulatedCompletion completion)
    {
        json.WriteStartObject();
        WriteHeader(json, completion, chunk: true);
        json.WriteStartArray("choices");
        json.WriteEndArray();
        WriteUsage(json, completion);
        json.WriteEndObject();
    }

    private static void WriteHeader(Utf8JsonWriter json, SimulatedCompletion completion, bool chunk)
    {
        json.WriteString("id", completion.Id);
        json.WriteString("object", !completion.Chat ? "text_completion" : chunk ? "chat.completion.chunk" : "chat.completion");
        json.WriteNumber("created", completion.Created);
        json.WriteString("model", completion.Model);
    }

    private static void WriteUsage(Utf8JsonWriter json, SimulatedCompletion completion)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", completion.PromptTokens);
        json.WriteNumber("completion_tokens", completion.CompletionTokens);
        json.WriteNumber("total_tokens", completion.PromptTokens + completion.CompletionTokens);
        json.WriteStartObject("prompt_tokens_details");
        json.WriteNumber("cached_tokens", 0);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
