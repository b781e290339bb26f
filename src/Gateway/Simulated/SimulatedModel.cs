using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Simulated;

/// <summary>
/// The built-in model: answers like an OpenAI-compatible upstream, with plausible text and exact
/// usage, without a network, so the product runs with no upstream and load tests have a fast target.
/// </summary>
internal sealed class SimulatedModel(TokenCounter tokens, IOptions<SimulatedOptions> options, TimeProvider time)
{
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// Writes the whole response to a request whose body has a string <c>model</c>: a 400 in OpenAI's shape when the
    /// body is not one OpenAI would serve (<see cref="SimulatedValidation"/>).
    /// </summary>
    /// <param name="promptTokens">The prompt's tokens when the caller has counted them already (admission does for a
    /// TOKEN limit): the same tokenizer's count, not made twice.</param>
    public async Task WriteAsync(HttpContext context, InferenceOperation operation, JsonObject body, CancellationToken ct,
        int? promptTokens = null)
    {
        if (Validate(operation, body) is { } invalid)
        {
            await OpenAIError.BadRequestAsync(context, invalid);
            return;
        }
        var request = SimulatedRequest.From(body, options.Value);
        try
        {
            if (operation == InferenceOperation.Embeddings)
            {
                var counted = promptTokens ?? tokens.CountPrompt(operation, body);
                await WriteJsonAsync(context.Response, json => SimulatedEmbeddings.WriteResponse(json, body, request.Model, counted), ct);
                return;
            }

            var completion = Complete(operation, body, request, promptTokens);
            if (request.Stream)
            {
                await StreamAsync(context.Response, completion, request.IncludeUsage, ct);
            }
            else
            {
                await WriteJsonAsync(context.Response, json => CompletionJson.WriteResponse(json, completion), ct);
            }
        }
        catch (Exception e) when ((e is OperationCanceledException or IOException) && ct.IsCancellationRequested)
        {
            // The client has gone; there is no one left to answer.
        }
    }

    private static BodyError? Validate(InferenceOperation operation, JsonObject body)
    {
        try
        {
            return SimulatedValidation.Check(operation, body);
        }
        catch (ArgumentException e) when (e.ParamName == "key")
        {
            // A JsonObject refuses a repeated name when it is first read; the gateway checked only its own fields.
            return new BodyError("The body repeats a property name in an object.", null, "duplicate_parameter");
        }
    }

    private SimulatedCompletion Complete(InferenceOperation operation, JsonObject body, SimulatedRequest request, int? promptTokens)
    {
        var chat = operation == InferenceOperation.ChatCompletions;
        var prompt = (chat ? body["messages"] : body["prompt"])?.ToJsonString() ?? "";
        // With no max_tokens the answer ends its sentence and stops; with one it runs to the limit.
        var pieces = SimulatedText.Generate(tokens, prompt, request.MaxTokens, endSentence: !request.MaxTokensGiven);
        var text = string.Concat(pieces);
        var completionTokens = tokens.Count(text);
        return new(
            chat,
            (chat ? "chatcmpl-" : "cmpl-") + RandomNumberGenerator.GetString(IdAlphabet, 24),
            time.GetUtcNow().ToUnixTimeSeconds(),
            request.Model,
            pieces.Count > 0 ? pieces : [""],
            text,
            request.MaxTokensGiven && completionTokens >= request.MaxTokens ? "length" : "stop",
            promptTokens ?? tokens.CountPrompt(operation, body),
            completionTokens);
    }

    private async Task StreamAsync(HttpResponse response, SimulatedCompletion completion, bool includeUsage, CancellationToken ct)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(ct);

        using var events = new EventStreamWriter(response.Body);
        var started = time.GetTimestamp();
        var pieces = completion.Pieces;
        for (var i = 0; i < pieces.Count; i++)
        {
            await WaitForTokenAsync(started, i, ct);
            var finishReason = i == pieces.Count - 1 ? completion.FinishReason : null;
            CompletionJson.WriteChunk(events.StartEvent(), completion, pieces[i], first: i == 0, finishReason, withUsage: includeUsage);
            await events.SendAsync(ct);
        }

        if (includeUsage)
        {
            CompletionJson.WriteUsageChunk(events.StartEvent(), completion);
            await events.SendAsync(ct);
        }

        await events.SendDoneAsync(ct);
    }

    // Token i is due at TimeToFirstTokenMs + i / TokensPerSecond after the headers went out. Waiting
    // for that moment, rather than sleeping a fixed gap, keeps the rate when a timer fires late.
    private async Task WaitForTokenAsync(long started, int index, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var settings = options.Value;
        var due = TimeSpan.FromMilliseconds(settings.TimeToFirstTokenMs);
        if (settings.TokensPerSecond > 0)
        {
            due += TimeSpan.FromSeconds(index / settings.TokensPerSecond);
        }

        var wait = due - time.GetElapsedTime(started);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, ct);
        }
    }

    private static async Task WriteJsonAsync(HttpResponse response, Action<Utf8JsonWriter> write, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, ct);
    }
}
