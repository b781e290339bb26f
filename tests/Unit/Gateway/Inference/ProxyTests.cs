using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>The proxy against a scripted upstream on 127.0.0.1, through real sockets on both sides.</summary>
public sealed class ProxyTests : IAsyncLifetime
{
    private const string Slug = "acme/proxied";
    private const string Secret = "sk-upstream-secret-for-tests";
    private readonly LiveGatewayFactory gateway = new();
    private FakeUpstream upstream = null!;
    private HttpClient client = null!;
    private string group = "";

    public async Task InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        gateway.Settings["Gateway:UpstreamTimeoutSeconds"] = "2";
        var admin = gateway.Client();
        await admin.PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"{{Slug}}","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"{{upstream.BaseUrl}}",
              "target_model":"upstream-model","secret":"{{Secret}}"}]}
            """);
        (group, var key) = await gateway.CustomerAsync("proxy-customer", $$"""[{"slug":"{{Slug}}"}]""");
        client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await upstream.DisposeAsync();
        await gateway.DisposeAsync();
    }

    private static HttpRequestMessage StreamRequest(bool includeUsage = false) => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = new StringContent($$"""
            {"model":"{{Slug}}","stream":true,"messages":[{"role":"user","content":"hi"}],
             "metadata":{"order":"o-1"}{{(includeUsage ? ""","stream_options":{"include_usage":true}""" : "")}}}
            """, Encoding.UTF8, "application/json"),
    };

    [Fact]
    public async Task Stream_FirstChunkReachesClientBeforeUpstreamSendsTheLast()
    {
        var release = new TaskCompletionSource();
        upstream.Chat = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk("Hello"));
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk(" world"));
            await FakeUpstream.SendEventAsync(context, FakeUpstream.UsageChunk(9, 2));
            await FakeUpstream.SendEventAsync(context, "[DONE]");
        };

        using var response = await client.SendAsync(StreamRequest(), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();
        var rest = await reader.ReadToEndAsync();

        Assert.Contains("Hello", first);
        Assert.Contains(" world", rest);
        Assert.Contains("[DONE]", rest);
        Assert.DoesNotContain("\"usage\":{", rest);
        var usage = Assert.Single(await gateway.EventsAsync(group, 1));
        Assert.Equal((9, 2, 2, false), (usage.InputTokens, usage.OutputTokens, usage.CachedInputTokens, usage.Estimated));
        Assert.Equal("""{"order":"o-1"}""", usage.RequestMetadata);
    }

    [Fact]
    public async Task Stream_UpstreamGetsItsCredentialModelAndUsageRequest_ClientWhoAskedSeesUsage()
    {
        upstream.Chat = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk("Hi"));
            await FakeUpstream.SendEventAsync(context, FakeUpstream.UsageChunk(3, 1));
            await FakeUpstream.SendEventAsync(context, "[DONE]");
        };

        using var response = await client.SendAsync(StreamRequest(includeUsage: true));
        var text = await response.Content.ReadAsStringAsync();

        var (authorization, body, headers) = Assert.Single(upstream.Received);
        Assert.Equal($"Bearer {Secret}", authorization);
        // The customer's address and the gateway's host stay with the gateway.
        Assert.DoesNotContain(headers, h => h.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("upstream-model", body["model"]!.GetValue<string>());
        Assert.True(body["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Contains("\"usage\":{", text);
        Assert.DoesNotContain(Secret, text);
    }

    [Fact]
    public async Task Chat_RepeatedPropertyAndNoUsageFromUpstream_IsAnsweredAndMeteredOnTheEstimate()
    {
        upstream.Chat = (context, _) => context.Response.WriteAsync("""{"choices":[{"message":{"content":"Hi there"}}]}""");
        const string body = $$"""{"model":"{{Slug}}","messages":[{"role":"user","content":"hi"}],"temperature":1,"temperature":0.5}""";

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hi there", await response.Content.ReadAsStringAsync());
        var usage = Assert.Single(await gateway.EventsAsync(group, 1));
        // The body does not parse as a tree, so the prompt is the admission's estimate: 4 bytes a token.
        Assert.Equal((Encoding.UTF8.GetByteCount(body) + 3) / 4, usage.InputTokens);
        Assert.True(usage.Estimated);
        Assert.True(usage.OutputTokens > 0);
    }

    [Fact]
    public async Task Stream_CharacterSplitOverTwoChunksAsLoneSurrogates_IsDeliveredWholeAndMetered()
    {
        // Each half of 😀 escaped in a chunk of its own: neither chunk's text is valid on its own. This failed the call,
        // unmetered, after the first half had reached the client.
        upstream.Chat = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk("Smile "));
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk("""\ud83d"""));
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk("""\ude00 done"""));
            await FakeUpstream.SendEventAsync(context, "[DONE]");
        };

        using var response = await client.SendAsync(StreamRequest());
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("""\ude00 done""", text);
        Assert.EndsWith("data: [DONE]\n\n", text);
        var usage = Assert.Single(await gateway.EventsAsync(group, 1));
        Assert.True(usage.Estimated);
        Assert.False(usage.Interrupted);
        Assert.True(usage.OutputTokens >= 3, $"output tokens: {usage.OutputTokens}");
    }

    [Fact]
    public async Task Stream_ClientDisconnectsMidStream_DeliveredTokensAreStillMetered()
    {
        var upstreamDone = new TaskCompletionSource();
        upstream.Chat = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk("Partial answer that was delivered"));
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            upstreamDone.TrySetResult();
        };

        var response = await client.SendAsync(StreamRequest(), HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Contains("Partial", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        response.Dispose();

        var usage = Assert.Single(await gateway.EventsAsync(group, 1));
        Assert.True(usage.Estimated);
        Assert.True(usage.OutputTokens > 0);
        Assert.True(usage.InputTokens > 0);
    }

    [Fact]
    public async Task NonStreaming_UsageReadFromTheJsonBody()
    {
        upstream.Chat = (context, _) => context.Response.WriteAsJsonAsync(JsonNode.Parse("""
            {"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}
            """));

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{Slug}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = Assert.Single(await gateway.EventsAsync(group, 1));
        Assert.Equal((12, 3), (usage.InputTokens, usage.OutputTokens));
    }

    [Fact]
    public async Task UpstreamError_PassesThroughWithItsBody_AndIsNotMetered()
    {
        var calls = 0;
        upstream.Chat = async (context, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsJsonAsync(JsonNode.Parse("""{"error":{"message":"context too long","type":"invalid_request_error"}}"""));
                return;
            }
            await context.Response.WriteAsync("""{"choices":[{"message":{"content":"ok"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}""");
        };

        using var failed = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{Slug}}","messages":[]}""", Encoding.UTF8, "application/json"));
        using var next = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{Slug}}","messages":[]}""", Encoding.UTF8, "application/json"));
        // The recorder writes events in the order it is given them: once the next call's event is stored, the
        // failed call's would be too, had it been recorded.
        var stored = await gateway.EventsAsync(group, 1);

        Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
        Assert.Contains("context too long", await failed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(next.Headers.GetValues("x-request-id").Single(), Assert.Single(stored).RequestId);
    }

    [Fact]
    public async Task EndpointEdit_IsLiveOnTheNextCall_AndSeveralTargetsShareTheLoad()
    {
        await using var second = await FakeUpstream.StartAsync();
        var ok = """{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}""";
        upstream.Chat = (context, _) => context.Response.WriteAsync(ok);
        second.Chat = (context, _) => context.Response.WriteAsync(ok);
        var endpoint = (await gateway.Client().GetJsonAsync("/v1/gateway/endpoints?limit=1000")).Body!["items"]!.AsArray()
            .Single(e => e!["slug"]!.GetValue<string>() == Slug)!["id"]!.GetValue<string>();

        await gateway.Client().SendAsync(HttpMethod.Patch, $"/v1/gateway/endpoints/{endpoint}", $$"""
            {"targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"{{upstream.BaseUrl}}","target_model":"renamed"},
                        {"provider":"OPENAI_COMPATIBLE","base_url":"{{second.BaseUrl}}","target_model":"renamed"}]}
            """);
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", new StringContent(
                $$"""{"model":"{{Slug}}","messages":[]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.All(upstream.Received.Concat(second.Received), r => Assert.Equal("renamed", r.Body["model"]!.GetValue<string>()));
        Assert.Equal(20, upstream.Received.Count + second.Received.Count);
        Assert.NotEmpty(upstream.Received);
        Assert.NotEmpty(second.Received);
        Assert.All(upstream.Received, r => Assert.Equal($"Bearer {Secret}", r.Authorization));
    }

    [Fact]
    public async Task SlowUpstream_Is504_UnreachableUpstream_Is502()
    {
        upstream.Chat = async (context, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(6), context.RequestAborted);
            await context.Response.WriteAsync("{}");
        };
        using var slow = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{Slug}}","messages":[]}""", Encoding.UTF8, "application/json"));
        await gateway.Client().PostAsync("/v1/gateway/endpoints", """
            {"slug":"acme/down","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:9/v1"}]}
            """);
        var groupId = (await gateway.Client().GetJsonAsync("/v1/gateway/groups?external_entity_id=proxy-customer")).Body!["items"]![0]!["id"]!.GetValue<string>();
        await gateway.Client().SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{groupId}",
            $$"""{"models":[{"slug":"{{Slug}}"},{"slug":"acme/down"}]}""");

        using var down = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"acme/down","messages":[]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.Equal("upstream_timeout", JsonNode.Parse(await slow.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
        Assert.Equal("upstream_unreachable", JsonNode.Parse(await down.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
    }
}
