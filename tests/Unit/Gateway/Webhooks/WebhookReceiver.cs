using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

/// <summary>
/// A billing receiver on 127.0.0.1 that checks every signature itself (HMAC-SHA256 over the raw body with the
/// secrets it was told), records what arrived, and answers with scripted status codes.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<int> script = new();

    private WebhookReceiver(WebApplication app) => this.app = app;

    public string Url { get; private set; } = "";

    /// <summary>Secrets the receiver accepts; a delivery whose signatures do not all verify is answered 401.</summary>
    public List<string> Secrets { get; } = [];

    public ConcurrentBag<(string RequestId, string Signature, int Answer)> Attempts { get; } = [];

    /// <summary>Events of accepted deliveries, by idempotency key (a redelivery overwrites, i.e. dedupes).</summary>
    public ConcurrentDictionary<string, JsonObject> Events { get; } = new();

    public int SignatureFailures;

    /// <summary>Events in accepted deliveries, counting every repeat: equal to <see cref="Events"/>' count when none came twice.</summary>
    public int EventsAccepted;

    /// <summary>Delays before answering, one per request, in order (then none): a slow or hanging receiver.</summary>
    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    /// <summary>The status code when the script is empty.</summary>
    public int DefaultAnswer { get; set; } = 200;

    public void Answer(params int[] codes)
    {
        foreach (var code in codes)
        {
            script.Enqueue(code);
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = app.Urls.First().TrimEnd('/') + "/hook";
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var signature = context.Request.Headers["X-Baseten-Signature"].ToString();
        var requestId = context.Request.Headers["X-Baseten-Request-ID"].ToString();
        if (Delays.TryDequeue(out var delay))
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Attempts.Add((requestId, signature, 0));
                return;
            }
        }
        var answer = script.TryDequeue(out var scripted) ? scripted : DefaultAnswer;
        if (!Verify(body, signature))
        {
            Interlocked.Increment(ref SignatureFailures);
            answer = 401;
        }
        Attempts.Add((requestId, signature, answer));
        if (answer is >= 200 and < 300)
        {
            var payload = JsonNode.Parse(body)!;
            foreach (var e in payload["data"]!["events"]!.AsArray())
            {
                Interlocked.Increment(ref EventsAccepted);
                Events[e!["idempotencyKey"]!.GetValue<string>()] = e.AsObject();
            }
        }
        context.Response.StatusCode = answer;
    }

    /// <summary>Every <c>v1=</c> entry must be the HMAC of the body under one of the known secrets.</summary>
    private bool Verify(byte[] body, string header)
    {
        var entries = header.Split(',', StringSplitOptions.RemoveEmptyEntries);
        List<string> expected;
        lock (Secrets)
        {
            expected = Secrets.ConvertAll(s => "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(s), body)));
        }
        return entries.Length > 0 && entries.All(expected.Contains);
    }

    public async Task WaitForAsync(Func<WebhookReceiver, bool> condition, int seconds = 30)
    {
        for (var i = 0; i < seconds * 10 && !condition(this); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(condition(this), "the receiver did not get what was expected in time");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
