using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FrontierGateway.Tests.Unit.Gateway.Webhooks;
using Microsoft.Data.Sqlite;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Journal;

/// <summary>
/// The promise of the journal, on a real host process: a call answered 200 in full has exactly one event after any
/// number of kill -9s, in the events API and through the webhook, and the daily counters count it.
/// </summary>
public sealed class KillUnderLoadTests
{
    // Full batches of 100 are written as they fill; a long flush interval keeps the rest in memory when the kill
    // comes. Without the replay every one of those is lost (the test then fails with ~300 answered calls a kill
    // without an event).
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Gateway:UsageBatchSize"] = "100",
        ["Gateway:UsageFlushMilliseconds"] = "3000",
        ["Webhooks:BatchIntervalMs"] = "100",
        ["Webhooks:BackoffBaseSeconds"] = "0.2",
        ["Webhooks:BackoffMaxSeconds"] = "0.5",
    };

    private const int Callers = 16;
    private const int Kills = 3;

    [Fact]
    public async Task KilledThreeTimesUnderLoad_EveryCompleted200HasExactlyOneEvent()
    {
        var folder = GatewayFactory.NewFolder();
        await using var receiver = await WebhookReceiver.StartAsync();
        var answered = new ConcurrentDictionary<string, bool>();
        string group, key;
        await using (var host = await HostProcess.StartAsync(folder, Settings))
        {
            var admin = host.Client();
            receiver.Secrets.Add((await admin.PostAsync("/v1/gateway/webhook/secrets", "{}")).Body!["secret"]!.GetValue<string>());
            await admin.SendAsync(HttpMethod.Put, "/v1/gateway/webhook", $$"""{"url":"{{receiver.Url}}","enabled":true}""");
            group = await admin.CreateGroupAsync("kill-load", models: """
                [{"slug":"your-org/your-model","usage_limits":[{"type":"REQUEST","unit":"DAY","threshold":1000000000}]}]
                """);
            key = (await admin.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}")).Body!["api_key"]!.GetValue<string>();
            await LoadThenKillAsync(host, key, answered);
        }
        for (var kill = 1; kill < Kills; kill++)
        {
            await using var host = await HostProcess.StartAsync(folder, Settings);
            await LoadThenKillAsync(host, key, answered);
        }

        await using var last = await HostProcess.StartAsync(folder, Settings);
        var events = await AllEventsAsync(last.Client());
        await receiver.WaitForAsync(r => r.Events.Count >= events.Count, seconds: 60);

        Assert.True(answered.Count >= 100 * Kills, $"only {answered.Count} calls answered");
        AssertExactlyOnce(answered.Keys, events);
        await AssertInTheRequestLogAsync(folder, answered.Keys);
        AssertExactlyOnce(answered.Keys, [.. receiver.Events.Values]);
        Assert.Equal(0, receiver.SignatureFailures);
        var usage = (await last.Client().GetJsonAsync($"/v1/gateway/groups/{group}/usage")).Body!;
        var requestsToday = usage["usage"]!["your-org/your-model"]![0]!["current_usage"]!.GetValue<long>();
        Assert.True(requestsToday >= events.Count, $"daily counter {requestsToday} < {events.Count} stored events");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task KilledWhileEventsWaitInTheJournalOnly_EveryCompleted200HasExactlyOneEvent()
    {
        var folder = GatewayFactory.NewFolder();
        var answered = new ConcurrentDictionary<string, bool>();
        var settings = new Dictionary<string, string>(Settings)
        {
            ["Gateway:UsageBatchSize"] = "20", ["Gateway:UsageFlushMilliseconds"] = "100", ["Gateway:UsageQueueLimit"] = "40",
        };
        string key;
        await using (var host = await HostProcess.StartAsync(folder, settings))
        {
            var admin = host.Client();
            var group = await admin.CreateGroupAsync("kill-journal-only", models: """[{"slug":"your-org/your-model"}]""");
            key = (await admin.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}")).Body!["api_key"]!.GetValue<string>();
            // The events table is gone for a while: the writer's batches fail, the queue fills to its limit, and the
            // events after it are in the journal only when the kill comes.
            await RenameAsync(folder, "UsageEvents", "UsageEventsAway");
            await LoadThenKillAsync(host, key, answered);
            Assert.True(host.Output.Contains("reached its limit of 40 events"), $"{answered.Count} answered; {host.Output}");
        }

        await RenameAsync(folder, "UsageEventsAway", "UsageEvents");
        await using var last = await HostProcess.StartAsync(folder, settings);
        var events = await AllEventsAsync(last.Client());

        Assert.True(answered.Count >= 100, $"only {answered.Count} calls answered");
        AssertExactlyOnce(answered.Keys, events);
        await AssertInTheRequestLogAsync(folder, answered.Keys);
        Directory.Delete(folder, recursive: true);
    }

    private static async Task RenameAsync(string folder, string table, string to)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "frontier.db")};Pooling=False");
        await connection.OpenAsync();
        await using var rename = connection.CreateCommand();
        rename.CommandText = $"ALTER TABLE \"{table}\" RENAME TO \"{to}\"";
        await rename.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Every answered call is in the request log with its status and a latency: its event carries them, whether it was
    /// stored from memory or from the journal (replayed after the kill, or read back after the queue's limit).
    /// </summary>
    private static async Task AssertInTheRequestLogAsync(string folder, ICollection<string> answered)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "frontier.db")};Pooling=False");
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = """SELECT "RequestMetadata", "Status", "LatencyMicroseconds" FROM "UsageEvents" WHERE "RequestMetadata" IS NOT NULL""";
        var logged = new Dictionary<string, (int? Status, long? Latency)>();
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var call = JsonNode.Parse(reader.GetString(0))!["call"]!.GetValue<string>();
                logged[call] = (reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
            }
        }
        var unlisted = answered.Where(id => !logged.TryGetValue(id, out var call) || call.Status != 200 || call.Latency is not > 0).ToList();
        Assert.True(unlisted.Count == 0, $"{unlisted.Count} of {answered.Count} answered calls are not in the request log with their status");
    }

    /// <summary>Every answered call's id appears in exactly one event; other events (calls the kill cut off) are interrupted.</summary>
    private static void AssertExactlyOnce(ICollection<string> answered, List<JsonObject> events)
    {
        var byCall = events.GroupBy(e => e["requestMetadata"]!["call"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.ToList());
        var missing = answered.Where(id => !byCall.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {answered.Count} answered calls have no event");
        var twice = byCall.Where(c => c.Value.Count > 1).Select(c => c.Key).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} calls have more than one event");
        Assert.All(byCall.Where(c => !answered.Contains(c.Key)), c => Assert.True(
            c.Value[0]["interrupted"]!.GetValue<bool>() || c.Value[0]["tokens"]!["outputTokens"]!.GetValue<long>() > 0));
        Assert.All(answered, id => Assert.False(byCall[id][0]["interrupted"]!.GetValue<bool>()));
    }

    private static async Task LoadThenKillAsync(HostProcess host, string key, ConcurrentDictionary<string, bool> answered)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Callers })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(20),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var stop = new CancellationTokenSource();
        var before = answered.Count;
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = Guid.NewGuid().ToString("N");
                try
                {
                    using var response = await client.PostAsync("/v1/chat/completions", new StringContent($$$"""
                        {"model":"your-org/your-model","messages":[{"role":"user","content":"hi"}],"max_tokens":4,"metadata":{"call":"{{{id}}}"}}
                        """, Encoding.UTF8, "application/json"));
                    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                    if (response.IsSuccessStatusCode && body!["usage"] is not null)
                    {
                        answered[id] = true;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or IOException)
                {
                    // The host was killed under this call: it was never answered in full.
                }
            }
        })).ToList();
        // Enough calls that many events still wait for their batch when the kill comes.
        for (var i = 0; i < 200 && answered.Count < before + 300; i++)
        {
            await Task.Delay(50);
        }
        host.Kill();
        await stop.CancelAsync();
        await Task.WhenAll(callers);
    }

    private static async Task<List<JsonObject>> AllEventsAsync(HttpClient admin)
    {
        var events = new List<JsonObject>();
        var page = "/v1/gateway/events?start_time=2000-01-01T00:00:00Z&limit=1000";
        while (true)
        {
            var body = (await admin.GetJsonAsync(page)).Body!;
            events.AddRange(body["items"]!.AsArray().Select(e => e!.AsObject()));
            if (body["pagination"]!["cursor"] is not { } cursor || !body["pagination"]!["has_more"]!.GetValue<bool>())
            {
                return events;
            }
            page = $"/v1/gateway/events?limit=1000&cursor={Uri.EscapeDataString(cursor.GetValue<string>())}";
        }
    }
}
