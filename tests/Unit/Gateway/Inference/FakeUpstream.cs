using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>An OpenAI-compatible upstream on 127.0.0.1 whose answers each test scripts.</summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeUpstream(WebApplication app) => this.app = app;

    /// <summary>The base URL to give an endpoint target (ends in <c>/v1</c>).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>What the gateway sent: the Authorization header, the body and the names of all headers.</summary>
    public List<(string? Authorization, JsonObject Body, string[] HeaderNames)> Received { get; } = [];

    /// <summary>The <c>traceparent</c> header of each call, null when a call had none.</summary>
    public List<string?> TraceParents { get; } = [];

    /// <summary>Answers <c>POST /v1/chat/completions</c>.</summary>
    public Func<HttpContext, JsonObject, Task> Chat { get; set; } = (context, _) => context.Response.WriteAsync("{}");

    /// <summary>Starts one on <paramref name="port"/>, or any free port: an upstream restarted where it was.</summary>
    public static async Task<FakeUpstream> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new FakeUpstream(app);
        app.MapPost("/v1/chat/completions", async context =>
        {
            var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
            lock (upstream.Received)
            {
                upstream.Received.Add((context.Request.Headers.Authorization.ToString(), body, [.. context.Request.Headers.Keys]));
                upstream.TraceParents.Add(context.Request.Headers.TryGetValue("traceparent", out var parent) ? parent.ToString() : null);
            }
            await upstream.Chat(context, body);
        });
        await app.StartAsync();
        upstream.BaseUrl = app.Urls.First().TrimEnd('/') + "/v1";
        return upstream;
    }

    public int Port => new Uri(BaseUrl).Port;

    /// <summary>An OK chat completion with usage 1 + 1, for tests about where calls go.</summary>
    public static Task AnswerOkAsync(HttpContext context, JsonObject _) => context.Response.WriteAsync(
        """{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}""");

    /// <summary>Writes one server-sent event and flushes it.</summary>
    public static async Task SendEventAsync(HttpContext context, string data)
    {
        await context.Response.WriteAsync($"data: {data}\n\n");
        await context.Response.Body.FlushAsync();
    }

    public static string Chunk(string text) =>
        $$"""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"{{text}}"},"finish_reason":null}]}""";

    public static string UsageChunk(int input, int output) =>
        $$"""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":{{input}},"completion_tokens":{{output}},"total_tokens":{{input + output}},"prompt_tokens_details":{"cached_tokens":2} } }""";

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
