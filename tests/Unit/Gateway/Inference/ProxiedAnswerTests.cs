using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>
/// What a customer gets back from an upstream that behaves as a real one does: its own request id and account
/// limits in the headers, a streamed tool call without usage, a body the gateway refuses before forwarding.
/// </summary>
public sealed class ProxiedAnswerTests : IAsyncLifetime
{
    private const string Slug = "acme/proxied";
    private readonly LiveGatewayFactory gateway = new();
    private FakeUpstream upstream = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        gateway.Settings["Gateway:UpstreamTimeoutSeconds"] = "5";
        admin = gateway.Client();
        await admin.PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"{{Slug}}","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"{{upstream.BaseUrl}}",
              "target_model":"upstream-model","secret":"sk-x"}]}
            """);
    }

    public async Task DisposeAsync()
    {
        await upstream.DisposeAsync();
        await gateway.DisposeAsync();
    }

    // api.openai.com answers every call with its own request id and the operator's account limits.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpstreamRequestIdAndLimits_NeverReachTheCustomer(bool groupHasLimits)
    {
        var limits = groupHasLimits ? ""","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":100}]""" : "";
        var (_, key) = await gateway.CustomerAsync("headers-" + groupHasLimits, $$"""[{"slug":"{{Slug}}"{{limits}}}]""");
        upstream.Chat = (context, body) =>
        {
            context.Response.Headers["x-request-id"] = "req_upstream_1";
            context.Response.Headers["x-ratelimit-limit-requests"] = "10000";
            context.Response.Headers["x-ratelimit-remaining-requests"] = "9999";
            context.Response.Headers["openai-processing-ms"] = "12";
            return FakeUpstream.AnswerOkAsync(context, body);
        };
        using var request = Chat(key, """{"model":"acme/proxied","messages":[{"role":"user","content":"hi"}]}""");
        request.Headers.Add("x-request-id", "client-id-1");

        using var response = await Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["client-id-1"], response.Headers.GetValues("x-request-id"));
        Assert.Equal(groupHasLimits ? ["100"] : null, Values(response, "x-ratelimit-limit-requests"));
        Assert.Equal(groupHasLimits ? ["99"] : null, Values(response, "x-ratelimit-remaining-requests"));
        // Any other header of the upstream's still comes through.
        Assert.Equal(["12"], response.Headers.GetValues("openai-processing-ms"));
    }

    // Without usage from the upstream the gateway counts what it delivered, and a tool call's arguments are that.
    [Fact]
    public async Task StreamedToolCallWithoutUsage_ItsArgumentsAreCounted()
    {
        var (group, key) = await gateway.CustomerAsync("tools", $$"""[{"slug":"{{Slug}}"}]""");
        upstream.Chat = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var part in new[] { """{\"city\":""", """\"San Francisco, California\",""", """\"unit\":\"celsius\"}""" })
            {
                await FakeUpstream.SendEventAsync(context, $$$"""
                    {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{{{part}}}"}}]},"finish_reason":null}]}
                    """);
            }
            await FakeUpstream.SendEventAsync(context, "[DONE]");
        };

        using var response = await Client().SendAsync(Chat(key,
            """{"model":"acme/proxied","stream":true,"messages":[{"role":"user","content":"weather in SF?"}]}"""));
        Assert.Contains("San Francisco", await response.Content.ReadAsStringAsync());

        var usage = Assert.Single(await gateway.EventsAsync(group, 1));
        Assert.True(usage.Estimated);
        // {"city":"San Francisco, California","unit":"celsius"}: a dozen or so tokens (none were counted before).
        Assert.InRange(usage.OutputTokens, 10, 20);
    }

    [Fact]
    public async Task StreamOptionsRepeatingAName_Is400NamingIt_NotForwarded()
    {
        var (_, key) = await gateway.CustomerAsync("repeats", $$"""[{"slug":"{{Slug}}"}]""");
        var forwarded = false;
        upstream.Chat = (context, body) =>
        {
            forwarded = true;
            return FakeUpstream.AnswerOkAsync(context, body);
        };

        using var response = await Client().SendAsync(Chat(key, """
            {"model":"acme/proxied","stream":true,"messages":[{"role":"user","content":"hi"}],
             "stream_options":{"include_usage":true,"include_usage":false}}
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(("stream_options.include_usage", "duplicate_parameter"), ((string?)error["param"], (string?)error["code"]));
        Assert.False(forwarded);
    }

    private HttpClient Client() => new() { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private static HttpRequestMessage Chat(string key, string body) => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };

    private static string[]? Values(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? [.. values] : null;
}
