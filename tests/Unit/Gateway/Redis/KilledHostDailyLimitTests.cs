using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Redis;

/// <summary>
/// A host killed (kill -9, a real process) in the middle of its calls, on one PostgreSQL and one Redis with another
/// host: the settlements it held and the call it was streaming never reach Redis, and the daily limit must still count
/// them once their reservations lapse.
/// </summary>
public sealed class KilledHostDailyLimitTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const int Threshold = 2000;
    private const int StreamedMaxTokens = 100;
    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]";

    [Fact]
    public async Task HostKilledDuringCalls_OtherHostCountsTheirReservationsOnceTheyLapse()
    {
        // Host B's Redis clock runs two minutes ahead (past the reservations' lifetime): both must be on one UTC day.
        var sinceMidnight = DateTime.UtcNow.TimeOfDay;
        if (sinceMidnight > TimeSpan.FromHours(24) - TimeSpan.FromMinutes(3))
        {
            await Task.Delay(TimeSpan.FromHours(24) - sinceMidnight + TimeSpan.FromSeconds(5));
        }
        var folder = GatewayFactory.NewFolder();
        await using var database = new TestDatabase(DataProvider.Postgres, folder);
        var settings = new Dictionary<string, string>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Limits:Store"] = "Redis",
            ["Limits:ReservationTtlSeconds"] = "60",
            ["Simulated:TokensPerSecond"] = "2",
        };
        // The database's settings but not its folder: each host has a folder (and a usage journal) of its own.
        foreach (var (name, value) in database.Settings.Where(s => s.Key != "Data:Folder"))
        {
            settings[name] = value!;
        }

        await using var a = await HostProcess.StartAsync(Path.Combine(folder, "a"), settings);
        var group = await a.Client().CreateGroupAsync("killed-host-day", models: $$"""
            [{"slug":"{{InferenceHelpers.SimulatedSlug}}","usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":{{Threshold}}}]}]
            """);
        var key = (await a.Client().PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}")).Body!["api_key"]!.GetValue<string>();
        using var onA = Caller(a.BaseAddress, key);
        var used = 0L;
        for (var i = 0; i < 10; i++)
        {
            used += await CompleteAsync(onA, 8);
        }
        // A call streaming at 2 tokens a second: admitted, its reservation taken, and cut off by the kill.
        using var streamed = await onA.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Body($$"""{"model":"{{InferenceHelpers.SimulatedSlug}}","stream":true,"max_tokens":{{StreamedMaxTokens}},{{Messages}}}"""),
        }, HttpCompletionOption.ResponseHeadersRead);
        var left = Remaining(streamed);
        // One more call, whose settlement the kill most likely finds held back (it is written within 10 ms).
        var last = await CompleteAsync(onA, 8);
        a.Kill();

        await using var b = new LiveGatewayFactory { Folder = Path.Combine(folder, "b"), SharedDatabase = database };
        foreach (var (name, value) in settings)
        {
            b.Settings[name] = value;
        }
        _ = b.BaseAddress;
        b.Services.GetRequiredService<RedisCounterStore>().ClockOffset = () => TimeSpan.FromMinutes(2);
        using var onB = Caller(b.BaseAddress, key);
        var prompt = Threshold - used - left - StreamedMaxTokens;
        // What the limit has left once the killed calls count: at most what it had after the stream's reservation, less
        // the last call (its tokens, or its reservation if its settlement was lost). Had the stream's reservation just
        // lapsed, that much more would fit.
        var over = await AskAsync(onB, left - last + 50 - prompt);
        var fits = await AskAsync(onB, left - (prompt + 8) - 20 - prompt);

        Assert.True(left > 1000, $"{left} tokens left after the stream's reservation");
        Assert.Equal(429, over);
        Assert.Equal(200, fits);
    }

    private static HttpClient Caller(Uri host, string key)
    {
        var client = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A call answered at once; answers the tokens it used.</summary>
    private static async Task<long> CompleteAsync(HttpClient caller, long maxTokens)
    {
        using var response = await caller.PostAsync("/v1/chat/completions",
            Body($$"""{"model":"{{InferenceHelpers.SimulatedSlug}}","max_tokens":{{maxTokens}},{{Messages}}}"""));
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["usage"]!["total_tokens"]!.GetValue<long>();
    }

    /// <summary>The status of a call asking for <paramref name="maxTokens"/> (so reserving its prompt and that much).</summary>
    private static async Task<int> AskAsync(HttpClient caller, long maxTokens)
    {
        using var response = await caller.PostAsync("/v1/chat/completions",
            Body($$"""{"model":"{{InferenceHelpers.SimulatedSlug}}","max_tokens":{{maxTokens}},{{Messages}}}"""));
        return (int)response.StatusCode;
    }

    private static long Remaining(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        return long.Parse(response.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
    }
}
