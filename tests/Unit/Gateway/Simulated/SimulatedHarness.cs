using System.Text;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Simulated;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Simulated;

/// <summary>Runs the simulated model against a <see cref="DefaultHttpContext"/> and reads back what it wrote.</summary>
internal static class SimulatedHarness
{
    public static readonly TokenCounter Tokens = new();

    public static SimulatedModel Model(SimulatedOptions? options = null, TimeProvider? time = null) =>
        new(Tokens, Options.Create(options ?? new SimulatedOptions()), time ?? TimeProvider.System);

    public static async Task<SimulatedResponse> RunAsync(
        this SimulatedModel sut, InferenceOperation operation, string body, Stream? output = null, CancellationToken ct = default)
    {
        var context = new DefaultHttpContext();
        var stream = output ?? new MemoryStream();
        context.Response.Body = stream;

        await sut.WriteAsync(context, operation, JsonNode.Parse(body)!.AsObject(), ct);

        stream.Position = 0;
        var text = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        return new(context.Response.StatusCode, context.Response.ContentType, text);
    }
}

internal sealed record SimulatedResponse(int Status, string? ContentType, string Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    /// <summary>The <c>data:</c> payloads of a server-sent event stream, in order.</summary>
    public List<string> Events =>
        Body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e["data: ".Length..] : throw new FormatException(e))
            .ToList();

    /// <summary>The JSON events, without the closing <c>[DONE]</c>.</summary>
    public List<JsonObject> Chunks =>
        Events.Where(e => e != "[DONE]").Select(e => JsonNode.Parse(e)!.AsObject()).ToList();
}
