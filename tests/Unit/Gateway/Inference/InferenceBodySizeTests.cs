using System.Net;
using System.Text;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>
/// The inference body limit on real Kestrel, whose own cap (30,000,000 bytes by default) sits below the gateway's
/// 32 MiB and is not enforced by the in-memory test server.
/// </summary>
public sealed class InferenceBodySizeTests : IAsyncLifetime
{
    private readonly LiveGatewayFactory gateway = new();
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        var (_, key) = await gateway.CustomerAsync("body-size");
        client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        // The refusal comes before the body is read: without 100-continue the client is still sending into a closed socket.
        client.DefaultRequestHeaders.ExpectContinue = true;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await gateway.DisposeAsync();
    }

    [Fact]
    public async Task Post_BodyBetweenKestrelsDefaultAndTheLimit_IsServed()
    {
        var body = Chat(31_000_000);

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.IsOk(), $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Post_BodyOverTheLimit_Is400BodyTooLarge()
    {
        var body = Chat(32 * 1024 * 1024 + 1);

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        var error = await response.AssertOpenAIErrorAsync(HttpStatusCode.BadRequest, null);
        Assert.Equal("body_too_large", (string?)error["code"]);
    }

    /// <summary>A chat body of exactly <paramref name="bytes"/> bytes.</summary>
    private static string Chat(int bytes)
    {
        const string head = """{"model":"your-org/your-model","max_tokens":1,"messages":[{"role":"user","content":" """;
        const string tail = "\"}]}";
        return head + new string('a', bytes - head.Length - tail.Length) + tail;
    }
}
