using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>
/// What reaches the upstream's socket, read with a plain <see cref="TcpListener"/>: the rewritten body with its own
/// length, a large body whole, and an upstream that refuses a body before reading it does not disturb the next call.
/// </summary>
public sealed class UpstreamRequestTests : IAsyncLifetime
{
    private const string Slug = "acme/raw";
    private const string Answer = """{"id":"x","object":"chat.completion","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";
    private readonly LiveGatewayFactory gateway = new();
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly List<Received> received = [];
    private Task serving = Task.CompletedTask;
    private HttpClient client = null!;

    /// <summary>One request as the upstream read it.</summary>
    private sealed record Received(byte[] Request, int HeaderLength, int ContentLength);

    /// <summary>When set, the upstream answers 413 after the headers, before reading the body, and closes.</summary>
    private bool refuseBodies;

    public async Task InitializeAsync()
    {
        listener.Start();
        serving = ServeAsync(stop.Token);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await gateway.Client().PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"{{Slug}}","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:{{port}}/v1",
              "target_model":"raw-model"}]}
            """);
        var (_, key) = await gateway.CustomerAsync("raw-customer", $$"""[{"slug":"{{Slug}}"}]""");
        client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await gateway.DisposeAsync();
        stop.Cancel();
        listener.Stop();
        await serving.ContinueWith(_ => { });
    }

    [Fact]
    public async Task EachCall_ReachesTheUpstreamWithTheRewrittenBodyAndItsLength()
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Chat("hello " + i));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(5, received.Count);
        // This target has no credential of its own: the customer's key must not take its place.
        Assert.All(received, r => Assert.DoesNotContain("authorization:",
            Encoding.ASCII.GetString(r.Request, 0, r.HeaderLength).ToLowerInvariant()));
        var body = JsonNode.Parse(received[^1].Request.AsSpan(received[^1].HeaderLength))!;
        Assert.Equal("raw-model", (string?)body["model"]);
        Assert.Equal("hello 4", (string?)body["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task LargeBody_ArrivesWhole()
    {
        var text = new string('x', 300_000);

        using var response = await client.PostAsync("v1/chat/completions", Chat(text));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(received);
        Assert.Equal(request.ContentLength, request.Request.Length - request.HeaderLength);
        var body = JsonNode.Parse(request.Request.AsSpan(request.HeaderLength))!;
        Assert.Equal(text, (string?)body["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task UpstreamRefusingTheBodyEarly_IsPassedThrough_AndTheNextCallIsIntact()
    {
        refuseBodies = true;
        using (var refused = await client.PostAsync("v1/chat/completions", Chat(new string('y', 2_000_000))))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        }
        refuseBodies = false;
        received.Clear();

        using var response = await client.PostAsync("v1/chat/completions", Chat("after"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(Assert.Single(received).Request.AsSpan(received[0].HeaderLength))!;
        Assert.Equal("after", (string?)body["messages"]![0]!["content"]);
    }

    private static StringContent Chat(string text) => new(
        new JsonObject { ["model"] = Slug, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }) }
            .ToJsonString(), Encoding.UTF8, "application/json");

    private async Task ServeAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var socket = await listener.AcceptSocketAsync(ct);
            _ = Task.Run(() => ServeConnectionAsync(socket, ct), ct);
        }
    }

    /// <summary>HTTP/1.1 keep-alive, Content-Length bodies only: enough for what the gateway sends.</summary>
    private async Task ServeConnectionAsync(Socket socket, CancellationToken ct)
    {
        using var _ = socket;
        var buffer = new byte[4 * 1024 * 1024];
        try
        {
            while (true)
            {
                var first = await socket.ReceiveAsync(buffer, ct);
                if (first == 0)
                {
                    return;
                }
                var length = first;
                int headerEnd;
                while ((headerEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    length += await socket.ReceiveAsync(buffer.AsMemory(length), ct);
                }
                var headers = Encoding.ASCII.GetString(buffer, 0, headerEnd);
                var contentLength = int.Parse(headers.Split("\r\n")
                    .First(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim());
                if (refuseBodies)
                {
                    await socket.SendAsync(Encoding.ASCII.GetBytes(
                        "HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"), ct);
                    // As nginx does: a lingering close, draining what the client still sends.
                    while (await socket.ReceiveAsync(buffer, ct) > 0)
                    {
                    }
                    return;
                }
                var total = headerEnd + 4 + contentLength;
                while (length < total)
                {
                    length += await socket.ReceiveAsync(buffer.AsMemory(length, total - length), ct);
                }
                lock (received)
                {
                    received.Add(new Received(buffer[..total], headerEnd + 4, contentLength));
                }
                await socket.SendAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Answer.Length}\r\n\r\n{Answer}"), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
