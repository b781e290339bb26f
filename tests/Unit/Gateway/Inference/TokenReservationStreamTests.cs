using System.Net.Http.Headers;
using System.Text;
using FrontierGateway.Tests.Unit.Infrastructure;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>
/// A TOKEN reservation settled when the client leaves mid-stream: through real sockets to a scripted upstream, so that
/// the client can go while the upstream is still answering.
/// </summary>
public sealed class TokenReservationStreamTests : IAsyncLifetime
{
    private const string Slug = "acme/reserved";
    private const int Threshold = 1000;
    private readonly LiveGatewayFactory gateway = new();
    private FakeUpstream upstream = null!;
    private HttpClient client = null!;
    private string group = "";

    public async Task InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        await gateway.Client().PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"{{Slug}}","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"{{upstream.BaseUrl}}"}]}
            """);
        (group, var key) = await gateway.CustomerAsync("reserve-stream",
            $$"""[{"slug":"{{Slug}}","rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":{{Threshold}}}]}]""");
        client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await upstream.DisposeAsync();
        await gateway.DisposeAsync();
    }

    [Fact]
    public async Task Stream_ClientLeavesMidStream_IsChargedWhatReachedIt_AndTheRestOfItsReservationComesBack()
    {
        var calls = 0;
        upstream.Chat = async (context, body) =>
        {
            if (Interlocked.Increment(ref calls) > 1)
            {
                await FakeUpstream.AnswerOkAsync(context, body);
                return;
            }
            context.Response.ContentType = "text/event-stream";
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk("Partial answer that was delivered"));
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        };

        // Reserves its prompt and 900 tokens, of the 1000 a minute.
        var response = await client.SendAsync(Request(900, stream: true), HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Contains("Partial", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        response.Dispose();
        var usage = Assert.Single(await gateway.EventsAsync(group, 1));
        var used = usage.InputTokens + usage.OutputTokens;

        // Charged what reached it: the rest of the limit is free again, to the token.
        HttpResponseMessage? probe = null;
        await HostPair.UntilAsync(async () =>
        {
            probe?.Dispose();
            probe = await client.SendAsync(Request(Threshold - used - usage.InputTokens, stream: false));
            return probe.IsOk();
        }, TimeSpan.FromSeconds(10), "the rest of the limit free");
        using (probe)
        {
            Assert.True(usage.Estimated);
            Assert.InRange(usage.OutputTokens, 1, 10);
            Assert.Equal("0", probe!.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        }
    }

    private static HttpRequestMessage Request(long maxTokens, bool stream) => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = new StringContent(
            $$"""{"model":"{{Slug}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}],"max_tokens":{{maxTokens}}}""",
            Encoding.UTF8, "application/json"),
    };
}
