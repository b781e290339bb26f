using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace FrontierGateway.Tests.Unit.Gateway.Management;

/// <summary>
/// A management write answered 200 is in the database for good, on a real host process killed (-9) while writers and
/// callers keep it busy: after the restart every answered group is there with the limit its last answered write set,
/// every answered key calls, and every answered revocation refuses its key.
/// </summary>
public sealed class WritesKilledUnderLoadTests
{
    private const string Slug = "your-org/your-model";
    private const int Writers = 8;
    private const int Callers = 4;

    /// <summary>What the writers were told succeeded.</summary>
    private sealed class Answered
    {
        /// <summary>Group id → the threshold of its last answered write (its create, or its one limit edit).</summary>
        public ConcurrentDictionary<string, long> Thresholds { get; } = new();

        /// <summary>Group ids whose edit was sent and not answered: either threshold may be in force.</summary>
        public ConcurrentDictionary<string, long> EditsInFlight { get; } = new();

        public ConcurrentDictionary<string, bool> LiveKeys { get; } = new();

        public ConcurrentDictionary<string, bool> RevokedKeys { get; } = new();

        /// <summary>Keys whose revocation was sent and not answered: either answer may be in force.</summary>
        public ConcurrentDictionary<string, bool> RevocationsInFlight { get; } = new();
    }

    [Fact]
    public async Task KilledWhileWritesAreAnswered_EveryAnsweredWriteIsThereAfterTheRestart()
    {
        var folder = GatewayFactory.NewFolder();
        var answered = new Answered();
        await using (var host = await HostProcess.StartAsync(folder, new Dictionary<string, string>()))
        {
            var admin = host.Client();
            var group = await admin.CreateGroupAsync("kill-writes-load", models: $$"""[{"slug":"{{Slug}}"}]""");
            var key = (await admin.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}")).Body!["api_key"]!.GetValue<string>();
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, Callers).Select(_ => CallAsync(host, key, stop.Token))
                .Concat(Enumerable.Range(0, Writers).Select(w => WriteAsync(host, w, answered, stop.Token))).ToList();
            // Enough answered writes that many were committed in the last moments before the kill.
            for (var i = 0; i < 300 && answered.Thresholds.Count + answered.LiveKeys.Count < 200; i++)
            {
                await Task.Delay(50);
            }
            host.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        await using var restarted = await HostProcess.StartAsync(folder, new Dictionary<string, string>());
        var client = restarted.Client();
        Assert.True(answered.Thresholds.Count >= 50, $"only {answered.Thresholds.Count} groups answered");
        Assert.True(answered.RevokedKeys.Count >= 10, $"only {answered.RevokedKeys.Count} revocations answered");
        var lost = new List<string>();
        foreach (var (id, threshold) in answered.Thresholds)
        {
            var (status, body) = await client.GetJsonAsync($"/v1/gateway/groups/{id}");
            var found = status == HttpStatusCode.OK ? body!["models"]![0]!["rate_limits"]![0]!["threshold"]!.GetValue<long>() : -1;
            if (found != threshold && !(answered.EditsInFlight.TryGetValue(id, out var sent) && found == sent))
            {
                lost.Add($"group {id}: {status}, threshold {found}, answered {threshold}");
            }
        }
        foreach (var (key, _) in answered.LiveKeys.Where(k => !answered.RevocationsInFlight.ContainsKey(k.Key)))
        {
            if (await StatusAsync(restarted, key) != HttpStatusCode.OK)
            {
                lost.Add($"key {key[..16]} minted but refused");
            }
        }
        foreach (var (key, _) in answered.RevokedKeys)
        {
            if (await StatusAsync(restarted, key) != HttpStatusCode.Unauthorized)
            {
                lost.Add($"key {key[..16]} revoked but accepted");
            }
        }
        Assert.True(lost.Count == 0, $"{lost.Count} answered writes lost: {string.Join("; ", lost.Take(10))}");
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>One writer: a group, a key under it, the group's limit edited, the key revoked; again and again.</summary>
    private static async Task WriteAsync(HostProcess host, int writer, Answered answered, CancellationToken stop)
    {
        using var client = host.Client();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                var (created, group) = await client.PostAsync("/v1/gateway/groups", $$$"""
                    {"metadata":{"external_entity_id":"w{{{writer}}}-{{{n}}}"},"models":{{{Models(1000 + n)}}},
                     "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":null}}
                    """);
                if (created != HttpStatusCode.OK)
                {
                    continue;
                }
                var id = group!["id"]!.GetValue<string>();
                answered.Thresholds[id] = 1000 + n;
                var (minted, key) = await client.PostAsync($"/v1/gateway/groups/{id}/api_keys", "{}");
                if (minted != HttpStatusCode.OK)
                {
                    continue;
                }
                var secret = key!["api_key"]!.GetValue<string>();
                answered.LiveKeys[secret] = true;
                answered.EditsInFlight[id] = 5000 + n;
                var (edited, _) = await client.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{id}", $$$"""{"models":{{{Models(5000 + n)}}}}""");
                if (edited == HttpStatusCode.OK)
                {
                    answered.Thresholds[id] = 5000 + n;
                }
                if (n % 2 == 0)
                {
                    answered.RevocationsInFlight[secret] = true;
                    var (revoked, _) = await client.SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{id}/api_keys/{secret[..16]}");
                    if (revoked == HttpStatusCode.OK)
                    {
                        answered.RevokedKeys[secret] = true;
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or IOException)
            {
                // The host was killed under this write: it was never answered.
            }
        }
    }

    private static string Models(int threshold) =>
        $$"""[{"slug":"{{Slug}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":{{threshold}}}]}]""";

    /// <summary>Inference calls alongside the writes, as a host under traffic takes them.</summary>
    private static async Task CallAsync(HostProcess host, string key, CancellationToken stop)
    {
        using var client = host.Client(key);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.PostAsync("/v1/chat/completions", new StringContent(
                    $$"""{"model":"{{Slug}}","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""",
                    Encoding.UTF8, "application/json"));
                await response.Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // Killed under the call.
            }
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HostProcess host, string key)
    {
        using var client = host.Client(key);
        using var response = await client.GetAsync("/v1/models");
        return response.StatusCode;
    }
}
