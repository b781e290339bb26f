using System.Text.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>One admitted call, as the proxy's transforms and the meter need it.</summary>
internal sealed class InferenceRequest(InferenceOperation operation, JsonObject body, string slug)
{
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    public InferenceOperation Operation { get; } = operation;
    public JsonObject Body { get; } = body;
    public string Slug { get; } = slug;
    public bool Stream { get; } = body["stream"] is JsonValue s && s.TryGetValue<bool>(out var b) && b;
    public bool ClientAskedForUsage { get; } =
        body["stream_options"] is JsonObject o && o["include_usage"] is JsonValue u && u.TryGetValue<bool>(out var v) && v;
    public EndpointRoute? Route { get; set; }

    /// <summary>Parses the body; null with an error message naming the field when it cannot be served.</summary>
    public static async Task<(InferenceRequest? Request, string? Error, string? Param)> ReadAsync(HttpRequest request,
        InferenceOperation operation)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, $"The body is larger than {MaxBodyBytes} bytes.", null);
        }
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, documentOptions: StrictJson,
                cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON (or repeats a property).", null);
        }
        catch (BadHttpRequestException e)
        {
            // Too large, or cut off by the client.
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The body is too large." : "The body could not be read.", null);
        }
        if (node is not JsonObject body)
        {
            return (null, "The body must be a JSON object.", null);
        }
        if (body["model"] is not JsonValue model || !model.TryGetValue<string>(out var slug) || slug.Length == 0)
        {
            return (null, "you must provide a model parameter (a string: the model slug).", "model");
        }
        return (new InferenceRequest(operation, body, slug), null, null);
    }

    /// <summary>Rewrites the body for an upstream: the target's model name, and usage asked for on every stream.</summary>
    public void PrepareForUpstream(string model)
    {
        Body["model"] = model;
        if (Stream)
        {
            if (Body["stream_options"] is not JsonObject options)
            {
                Body["stream_options"] = options = [];
            }
            options["include_usage"] = true;
        }
    }

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(Body);
}
