using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace FrontierGateway.Bench.Streams;

/// <summary>
/// An upstream that streams like a model: POST /v1/chat/completions with <c>"stream": true</c> answers
/// <c>text/event-stream</c>, one chat.completion.chunk every interval, the first at once (so that the time to first
/// byte is the path's, not a model's), the usage chunk when the request asked for it (as the gateway does), then
/// <c>data: [DONE]</c>. The chunk count is the request's <c>max_tokens</c> (default --chunks), each chunk one completion
/// token; the interval is the request's x-stub-interval-ms header (default --interval-ms). Chunks are due on a fixed
/// schedule from the start, so that one late chunk does not delay the rest.
/// </summary>
internal static class Stub
{
    /// <summary>A request header that sets the interval of its stream (the load sends it), in milliseconds.</summary>
    public const string IntervalHeader = "x-stub-interval-ms";

    public static async Task<int> RunAsync(Arguments settings)
    {
        var port = settings.Number("port", 18281);
        var interval = TimeSpan.FromMilliseconds(settings.Real("interval-ms", 20));
        var defaultChunks = settings.Number("chunks", 200);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", (HttpContext context) => AnswerAsync(context, interval, defaultChunks));
        await app.RunAsync();
        return 0;
    }

    private static async Task AnswerAsync(HttpContext context, TimeSpan interval, int defaultChunks)
    {
        var ct = context.RequestAborted;
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct);
        var root = body.RootElement;
        var chunks = root.TryGetProperty("max_tokens", out var max) && max.TryGetInt32(out var n) && n > 0 ? n : defaultChunks;
        if (!(root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True))
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(StubChunks.Completion(chunks), ct);
            return;
        }
        if (double.TryParse(context.Request.Headers[IntervalHeader], CultureInfo.InvariantCulture, out var ms) && ms > 0)
        {
            interval = TimeSpan.FromMilliseconds(ms);
        }
        var withUsage = root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var output = context.Response.Body;
        var start = Stopwatch.GetTimestamp();
        try
        {
            for (var i = 0; i < chunks; i++)
            {
                var wait = interval * i - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }
                await output.WriteAsync(StubChunks.Content(i, chunks), ct);
                await output.FlushAsync(ct);
            }
            if (withUsage)
            {
                await output.WriteAsync(StubChunks.Usage(chunks), ct);
            }
            await output.WriteAsync(StubChunks.Done, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client (or the proxy) left.
        }
    }
}
