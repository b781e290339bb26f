using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using FrontierGateway.Data.Entities;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Redis;

/// <summary>
/// <c>Limits:RedisOutage</c> on one host counting in a real Redis (<c>Limits:Store=Redis</c>) that is killed under
/// load and started again empty: what the calls get meanwhile, <c>/readyz</c>, and the counters afterwards.
/// </summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private const string Slug = InferenceHelpers.SimulatedSlug;
    private readonly RedisServer redis = new();

    public Task InitializeAsync() => redis.InitializeAsync();

    public Task DisposeAsync() => redis.DisposeAsync();

    [Fact]
    public async Task FailClosed_RedisKilledUnderLoad_Answers200Or503NamingTheCause_ThenCountsExactlyAgain()
    {
        await using var gateway = Host("FailClosed");
        var (group, key) = await gateway.CustomerAsync("closed", Models(rate: """{"type":"REQUEST","unit":"MINUTE","threshold":10000}"""));
        using var caller = gateway.Caller(key);
        using var probe = gateway.CreateClient();
        var outages = 0L;
        using var meter = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument is { Name: "frontier.limits.outages", Meter.Name: "FrontierGateway.Limits" })
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meter.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref outages, value));
        meter.Start();

        var (answers, during) = await OutageLoad.RunAsync(redis, _ => caller, probe);

        Assert.All(answers, a => Assert.Contains(a.Status, new[] { 200, 503 }));
        Assert.InRange(answers.Count(a => a.Status == 503), 1, OutageLoad.Calls - 50);
        var error = JsonNode.Parse(answers.First(a => a.Status == 503).Body)!["error"]!;
        Assert.Equal("limits_unavailable", error["code"]!.GetValue<string>());
        Assert.Equal("server_error", error["type"]!.GetValue<string>());
        Assert.StartsWith("Rate limits unavailable: the shared limit store cannot be reached", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.Status);
        Assert.Equal("Unhealthy", during.Check("limits"));
        await AssertExactAgainAsync(gateway, probe);
        var admitted = answers.Count(a => a.Status == 200);
        Assert.Equal(admitted, (await gateway.EventsAsync(group, admitted)).Count);
        // Other tests' hosts count on the same meter: this one's outage is at least one of them.
        Assert.True(Interlocked.Read(ref outages) >= 1);
        Assert.Contains(gateway.Logged.Messages, m => m.StartsWith("Warning", StringComparison.Ordinal) && m.Contains("Redis cannot be reached"));
        Assert.Contains(gateway.Logged.Messages, m => m.StartsWith("Warning", StringComparison.Ordinal) && m.Contains("Redis is back"));
    }

    [Fact]
    public async Task FailOpen_RedisKilledUnderLoad_AdmitsEveryCall_CountingThemForTheDay()
    {
        await using var gateway = Host("FailOpen");
        var (group, key) = await gateway.CustomerAsync("open", Models(
            rate: """{"type":"REQUEST","unit":"MINUTE","threshold":10000}""", usage: """{"type":"REQUEST","unit":"DAY","threshold":10000}"""));
        using var caller = gateway.Caller(key);
        using var probe = gateway.CreateClient();

        var (answers, during) = await OutageLoad.RunAsync(redis, _ => caller, probe);

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        var failedOpen = answers.Count(a => a.Limits == "fail-open");
        Assert.InRange(failedOpen, 1, OutageLoad.Calls - 50);
        Assert.Equal(HttpStatusCode.OK, during.Status);
        Assert.Equal("Degraded", during.Check("limits"));
        Assert.Equal("Degraded", during.Check("redis"));
        await AssertExactAgainAsync(gateway, probe);
        Assert.Equal(OutageLoad.Calls, (await gateway.EventsAsync(group, OutageLoad.Calls)).Count);
        // The day's counter has the calls admitted while Redis was down, and those before (stored in the database,
        // bar the last moments before the kill). Without the outage's counts it would have only those after.
        var (_, usage) = await gateway.Client().GetJsonAsync($"/v1/gateway/groups/{group}/usage");
        Assert.InRange(usage!["usage"]![Slug]![0]!["current_usage"]!.GetValue<long>(), failedOpen, OutageLoad.Calls);
    }

    [Fact]
    public async Task Degraded_ByDefault_AdmitsWhatIsLeftOfADailyLimit_ThenRedisHasEveryCallOfTheDay()
    {
        await using var gateway = Host(policy: null);
        var (group, key) = await gateway.CustomerAsync("degraded-day", Models(usage: """{"type":"REQUEST","unit":"DAY","threshold":10}"""));
        using var caller = gateway.Caller(key);
        using var probe = gateway.CreateClient();
        var before = await CallsAsync(caller, 4);
        await HostPair.UntilAsync(async () => await StoredAsync(gateway, group) == 4, TimeSpan.FromSeconds(10), "the day's total stored");

        redis.Kill();
        var during = await CallsAsync(caller, 8);
        var readiness = await OutageLoad.ReadyzAsync(probe);
        // The management API works on without Redis: a write (its change notice cannot go out) and the usage it reads.
        await gateway.Client().CreateGroupAsync("made-while-down");
        var (_, usageDuring) = await gateway.Client().GetJsonAsync($"/v1/gateway/groups/{group}/usage");
        await redis.RestartAsync();
        await OutageLoad.UntilExactAsync(probe);
        var after = await CallsAsync(caller, 2);

        Assert.Equal([200, 200, 200, 200], before.Select(a => a.Status).ToArray());
        // One host: its share is all that was left, 10 - 4.
        Assert.Equal([200, 200, 200, 200, 200, 200, 429, 429], during.Select(a => a.Status).ToArray());
        Assert.All(during, a => Assert.Equal("degraded", a.Limits));
        Assert.Equal((HttpStatusCode.OK, "Degraded"), (readiness.Status, readiness.Check("limits")));
        Assert.Equal(10, usageDuring!["usage"]![Slug]![0]!["current_usage"]!.GetValue<long>());
        // Redis restarted empty: rebuilt to the stored 4, plus the 6 admitted while it was down.
        Assert.Equal([429, 429], after.Select(a => a.Status).ToArray());
        Assert.All(after, a => Assert.Null(a.Limits));
        await HostPair.UntilAsync(async () => await StoredAsync(gateway, group) == 10, TimeSpan.FromSeconds(10), "the rebuilt total stored");
        Assert.Equal(10, (await gateway.EventsAsync(group, 10)).Count);
    }

    [Theory]
    [InlineData("Open")]
    [InlineData("1")]
    public async Task Start_UnknownOutagePolicy_FailsNamingTheSetting(string policy)
    {
        await using var gateway = new GatewayFactory { Settings = { ["Limits:RedisOutage"] = policy } };

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Services);

        Assert.Contains($"Limits:RedisOutage must be FailClosed, FailOpen, Degraded, not \"{policy}\"", error.Message);
    }

    /// <summary>A REQUEST/MINUTE limit of 5 met by 10 calls admits exactly 5, without the outage header.</summary>
    private static async Task AssertExactAgainAsync(GatewayFactory gateway, HttpClient probe)
    {
        await OutageLoad.UntilExactAsync(probe);
        var (_, key) = await gateway.CustomerAsync("exact-" + Guid.NewGuid().ToString("N")[..8],
            Models(rate: """{"type":"REQUEST","unit":"MINUTE","threshold":5}"""));
        using var caller = gateway.Caller(key);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => CallAsync(caller)));

        Assert.Equal(5, answers.Count(a => a.Status == 200));
        Assert.Equal(5, answers.Count(a => a.Status == 429));
        Assert.All(answers, a => Assert.Null(a.Limits));
    }

    private GatewayFactory Host(string? policy)
    {
        var gateway = new GatewayFactory
        {
            Settings = { ["Redis:Configuration"] = redis.Configuration + ",connectTimeout=1000", ["Limits:Store"] = "Redis" },
        };
        if (policy is not null)
        {
            gateway.Settings["Limits:RedisOutage"] = policy;
        }
        return gateway;
    }

    private static async Task<List<OutageLoad.Answer>> CallsAsync(HttpClient caller, int count)
    {
        var answers = new List<OutageLoad.Answer>();
        for (var i = 0; i < count; i++)
        {
            answers.Add(await CallAsync(caller));
        }
        return answers;
    }

    private static async Task<OutageLoad.Answer> CallAsync(HttpClient caller)
    {
        using var response = await caller.ChatAsync();
        return new OutageLoad.Answer((int)response.StatusCode,
            response.Headers.TryGetValues("x-frontier-limits", out var limits) ? limits.Single() : null,
            await response.Content.ReadAsStringAsync());
    }

    private static Task<long?> StoredAsync(GatewayFactory gateway, string group) => gateway.QueryAsync(db => db.DailyUsage
        .Where(u => u.GroupId == group && u.Slug == Slug && u.Type == LimitType.Request).Select(u => (long?)u.Value).SingleOrDefaultAsync());

    private static string Models(string rate = "", string usage = "") =>
        $$"""[{"slug":"{{Slug}}","rate_limits":[{{rate}}],"usage_limits":[{{usage}}]}]""";
}
