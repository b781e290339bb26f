using System.Net.Http.Headers;
using System.Text;
using FrontierGateway.Tests.Unit.Infrastructure;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>
/// The TOKEN reservation scenario of issue 13, run on one host and on two: a limit of 10,000 tokens a minute, and 100
/// concurrent calls that each reserve about 500 tokens (a 9-token prompt and <c>Limits:DefaultReservedOutputTokens</c>
/// of 480, the calls setting no <c>max_tokens</c>) and use about 400 (the simulated model's answer then stops near
/// <c>Simulated:DefaultMaxTokens</c>).
/// </summary>
internal static class HundredTokenCalls
{
    public const int Threshold = 10_000;
    private const int ReservedOutput = 480;

    /// <summary>The settings of every host of the scenario.</summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Limits:DefaultReservedOutputTokens"] = ReservedOutput.ToString(),
        ["Simulated:DefaultMaxTokens"] = "400",
    };

    public static readonly string Models =
        $$"""[{"slug":"{{InferenceHelpers.SimulatedSlug}}","rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":{{Threshold}}}]}]""";

    /// <summary>
    /// Sends the 100 calls at once, spread over <paramref name="callers"/>, and checks that the admitted calls' real
    /// usage stays under the limit and that settling gave back exactly what they reserved beyond it: once every call
    /// has settled, a call reserving exactly the rest of the limit is admitted, with no headroom left.
    /// </summary>
    public static async Task RunAsync(GatewayFactory storedIn, string group, params HttpClient[] callers)
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => CallAsync(callers[i % callers.Length]).StatusAsync()));
        var admitted = statuses.Count(s => s == 200);
        var events = await storedIn.EventsAsync(group, admitted);
        var used = events.Sum(e => e.InputTokens + e.OutputTokens);
        var prompt = events[0].InputTokens;

        Assert.Equal(100, admitted + statuses.Count(s => s == 429));
        Assert.Equal(admitted, events.Count);
        Assert.All(events, e => Assert.InRange(e.OutputTokens, 350, 400));
        Assert.All(events, e => Assert.False(e.Estimated));
        Assert.InRange(used, 1, Threshold);
        // The reservations alone let at least this many in; the others came in as the first settled.
        Assert.True(admitted >= Threshold / (prompt + ReservedOutput), $"{admitted} admitted");

        // Refused calls cost nothing, so the probe may be refused until the last call has settled.
        HttpResponseMessage? probe = null;
        await HostPair.UntilAsync(async () =>
        {
            probe?.Dispose();
            probe = await CallAsync(callers[0], Threshold - used - prompt);
            return probe.IsOk();
        }, TimeSpan.FromSeconds(20), "the rest of the limit free");
        using (probe)
        {
            Assert.Equal("0", probe!.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        }
    }

    /// <summary>A chat call with the same 9-token prompt as the others, setting <paramref name="maxTokens"/> when given.</summary>
    public static Task<HttpResponseMessage> CallAsync(HttpClient client, long? maxTokens = null) =>
        client.PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"{{InferenceHelpers.SimulatedSlug}}","messages":[{"role":"user","content":"Say hello."}]{{(maxTokens is { } max ? $",\"max_tokens\":{max}" : "")}}}""",
            Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
}
