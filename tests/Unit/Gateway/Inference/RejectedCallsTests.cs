using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>A body the gateway refuses never reaches a real upstream, and is not metered.</summary>
public sealed class RejectedCallsTests : IAsyncLifetime
{
    private const string Slug = "acme/guarded";
    private const string Answer = """{"id":"x","object":"chat.completion","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";
    private readonly GatewayFactory gateway = new();
    private FakeUpstream upstream = null!;
    private HttpClient client = null!;
    private string group = "";

    public async Task InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        upstream.Chat = (context, _) => context.Response.WriteAsync(Answer);
        await gateway.Client().PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"{{Slug}}","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"{{upstream.BaseUrl}}","target_model":"m"}]}
            """);
        (group, var key) = await gateway.CustomerAsync("rejected-customer", $$"""[{"slug":"{{Slug}}"}]""");
        client = gateway.Caller(key);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await upstream.DisposeAsync();
        await gateway.DisposeAsync();
    }

    public static TheoryData<string, string> BadFields => new()
    {
        { "\"stream\":\"yes\"", "stream" },
        { "\"max_tokens\":-1", "max_tokens" },
        { "\"max_tokens\":\"ten\"", "max_tokens" },
        { "\"metadata\":\"x\"", "metadata" },
        { "\"n\":0", "n" },
        { "\"stream\":true,\"stream_options\":{\"include_usage\":1}", "stream_options.include_usage" },
        { "\"messages\":[{\"role\":\"user\",\"content\":\"\\udc00\"}]", "messages[0].content" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Post_BadGatewayField_Is400AndNothingIsForwarded(string field, string param)
    {
        using var response = await client.PostJsonAsync("/v1/chat/completions", $$"""{"model":"{{Slug}}",{{field}}}""");

        await response.AssertOpenAIErrorAsync(HttpStatusCode.BadRequest, param);
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Post_InvalidUtf8_Is400AndNothingIsForwarded()
    {
        var content = new ByteArrayContent([.. Encoding.UTF8.GetBytes($$"""{"model":"{{Slug}}","messages":[{"role":"user","content":"caf"""), 0xE9,
            .. "\"}]}"u8]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/v1/chat/completions", content);

        await response.AssertOpenAIErrorAsync(HttpStatusCode.BadRequest, "messages[0].content");
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task Post_RejectedThenGood_OnlyTheGoodIsForwardedAndMetered()
    {
        foreach (var field in BadFields.Select(row => (string)row[0]))
        {
            Assert.Equal(400, await client.PostJsonAsync("/v1/chat/completions", $$"""{"model":"{{Slug}}",{{field}}}""").StatusAsync());
        }

        using var good = await client.ChatAsync(Slug);
        var events = await gateway.EventsAsync(group, 1);

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Single(upstream.Received);
        Assert.Equal(good.Headers.GetValues("x-request-id").Single(), Assert.Single(events).RequestId);
    }
}
