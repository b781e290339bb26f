using System.Net;
using System.Text.Json.Nodes;
using FrontierGateway.Tests.Unit.Infrastructure;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>
/// TOKEN limits through the inference API on one host: admission reserves a call's most tokens (its prompt and its
/// <c>max_tokens</c>), and the call's end settles the reservation to what it used.
/// </summary>
public sealed class TokenReservationTests
{
    private const string Slug = InferenceHelpers.SimulatedSlug;

    private static string Limit(int threshold) =>
        $$"""[{"slug":"{{Slug}}","rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":{{threshold}}}]}]""";

    [Fact]
    public async Task TokenLimit_HundredConcurrentCalls_StayUnderTheLimit_AndSettleReturnsTheDifference()
    {
        await using var host = new GatewayFactory();
        foreach (var (name, value) in HundredTokenCalls.Settings)
        {
            host.Settings[name] = value;
        }
        var (group, key) = await host.CustomerAsync("reserve-hundred", HundredTokenCalls.Models);

        await HundredTokenCalls.RunAsync(host, group, host.Caller(key));
    }

    [Fact]
    public async Task ReservationLargerThanTheLimit_IsRefusedAsTooLarge_AndCostsNothing()
    {
        await using var host = new GatewayFactory();
        var (group, key) = await host.CustomerAsync("reserve-too-large", Limit(100));
        var client = host.Caller(key);

        using var refused = await HundredTokenCalls.CallAsync(client, maxTokens: 200);
        using var fits = await HundredTokenCalls.CallAsync(client, maxTokens: 50);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;
        Assert.StartsWith("Request too large", error["message"]!.GetValue<string>());
        Assert.Equal(("rate_limit_exceeded", "TOKEN", 100), (error["type"]!.GetValue<string>(),
            error["limit"]!["type"]!.GetValue<string>(), error["limit"]!["threshold"]!.GetValue<int>()));
        Assert.Equal(TimeSpan.FromSeconds(60), refused.Headers.RetryAfter!.Delta);
        // The refused call left nothing on the counter, nor an event.
        Assert.True(fits.IsOk());
        Assert.Single(await host.EventsAsync(group, 1));
    }

    [Fact]
    public async Task VoidCall_ReturnsItsWholeReservation()
    {
        await using var host = new GatewayFactory();
        var (group, key) = await host.CustomerAsync("reserve-void", Limit(100));
        var client = host.Caller(key);

        // The model refuses the call (400): it is void, and its 89 tokens reserved must all come back.
        using var failed = await client.PostJsonAsync("/v1/chat/completions",
            $$"""{"model":"{{Slug}}","messages":[{"role":"user","content":"Say hello."}],"max_tokens":80,"temperature":9}""");
        await HostPair.UntilAsync(async () =>
        {
            using var again = await HundredTokenCalls.CallAsync(client, maxTokens: 80);
            return again.IsOk();
        }, TimeSpan.FromSeconds(5), "a second call of 89 tokens admitted");

        Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
        Assert.Single(await host.EventsAsync(group, 1));
    }

    // A completion answers each of its prompts, and generates best_of answers when that is more than n: three times
    // 40 tokens is over the limit of 100, one time 40 is not.
    [Theory]
    [InlineData("""["Say a.","Say b.","Say c."]""", "", true)]
    [InlineData("""[[1,2],[3],[4,5]]""", "", true)]
    [InlineData("\"Say a.\"", ""","best_of":3""", true)]
    [InlineData("\"Say a.\"", ""","best_of":3,"n":2""", true)]
    [InlineData("""[1,2,3]""", "", false)]
    [InlineData("\"Say a.\"", ""","n":1""", false)]
    public async Task Completion_ReservesEveryAnswerItGenerates(string prompt, string more, bool tooLarge)
    {
        await using var host = new GatewayFactory();
        var (_, key) = await host.CustomerAsync("reserve-prompts", Limit(100));

        using var response = await host.Caller(key).PostJsonAsync("/v1/completions",
            $$"""{"model":"{{Slug}}","prompt":{{prompt}},"max_tokens":40{{more}}}""");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(tooLarge == (response.StatusCode == HttpStatusCode.TooManyRequests && body.Contains("Request too large")),
            $"{(int)response.StatusCode} {body}");
    }
}
