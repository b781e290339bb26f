using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

public sealed class CrashRecoveryTests
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Webhooks:BatchIntervalMs"] = "100",
        ["Webhooks:BatchSize"] = "3",
        ["Webhooks:BackoffBaseSeconds"] = "0.2",
        ["Webhooks:BackoffMaxSeconds"] = "0.5",
        ["Webhooks:MaxAttempts"] = "1000",
        ["Gateway:UsageFlushMilliseconds"] = "50",
    };

    [Fact]
    public async Task KilledWhileDeliveriesPending_RestartDeliversAllOfThem()
    {
        var folder = GatewayFactory.NewFolder();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.DefaultAnswer = 503;
        await using (var first = await HostProcess.StartAsync(folder, Settings))
        {
            var admin = first.Client();
            var secret = (await admin.PostAsync("/v1/gateway/webhook/secrets", "{}")).Body!["secret"]!.GetValue<string>();
            receiver.Secrets.Add(secret);
            await admin.SendAsync(HttpMethod.Put, "/v1/gateway/webhook", $$"""{"url":"{{receiver.Url}}","enabled":true}""");
            var group = await admin.CreateGroupAsync("crash", models: """[{"slug":"your-org/your-model"}]""");
            var key = (await admin.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}")).Body!["api_key"]!.GetValue<string>();
            using var caller = new HttpClient { BaseAddress = first.BaseAddress };
            caller.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            for (var i = 0; i < 10; i++)
            {
                using var response = await caller.PostAsync("/v1/chat/completions", new StringContent(
                    """{"model":"your-org/your-model","messages":[{"role":"user","content":"hi"}],"max_tokens":3}""",
                    Encoding.UTF8, "application/json"));
                Assert.True(response.IsSuccessStatusCode);
            }
            await WaitForBatchedEventsAsync(admin, 10);
            await receiver.WaitForAsync(r => r.Attempts.Count >= 2);
            first.Kill();
        }
        Assert.Empty(receiver.Events);
        receiver.DefaultAnswer = 200;

        await using var second = await HostProcess.StartAsync(folder, Settings);
        await receiver.WaitForAsync(r => r.Events.Count == 10, seconds: 60);

        Assert.Equal(0, receiver.SignatureFailures);
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Waits until the outbox holds deliveries for <paramref name="events"/> events.</summary>
    private static async Task WaitForBatchedEventsAsync(HttpClient admin, int events)
    {
        for (var i = 0; i < 300; i++)
        {
            var (_, body) = await admin.GetJsonAsync("/v1/gateway/webhook/deliveries?limit=1000");
            if (body!["items"]!.AsArray().Sum(d => d!["event_count"]!.GetValue<int>()) >= events)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"fewer than {events} events were batched");
    }
}
