using FrontierGateway.Data;
using System.Text.Json.Nodes;
using FrontierGateway.Tests.Unit.Gateway.Inference;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

/// <summary>Billing deliveries end to end: calls → events → signed, batched, retried deliveries.</summary>
public abstract class WebhookDeliveryTests(DataProvider provider) : IAsyncLifetime
{
    public sealed class OnSqlite() : WebhookDeliveryTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : WebhookDeliveryTests(DataProvider.Postgres);

    private readonly GatewayFactory gateway = GatewayFactory.On(provider);
    private WebhookReceiver receiver = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        gateway.Settings["Webhooks:BatchIntervalMs"] = "100";
        gateway.Settings["Webhooks:BackoffBaseSeconds"] = "0.1";
        gateway.Settings["Webhooks:BackoffMaxSeconds"] = "0.5";
        gateway.Settings["Webhooks:MaxAttempts"] = "4";
        gateway.Settings["Webhooks:BatchSize"] = "5";
        // Long enough that a loaded CI machine does not time out an attempt the receiver answered at once.
        gateway.Settings["Webhooks:AttemptTimeoutSeconds"] = "3";
        admin = gateway.Client();
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        await receiver.DisposeAsync();
    }

    private async Task<string> AddSecretAsync()
    {
        var secret = (await admin.PostAsync("/v1/gateway/webhook/secrets", "{}")).Body!["secret"]!.GetValue<string>();
        lock (receiver.Secrets)
        {
            receiver.Secrets.Add(secret);
        }
        return secret;
    }

    private async Task EnableAsync()
    {
        await AddSecretAsync();
        var (status, body) = await admin.SendAsync(HttpMethod.Put, "/v1/gateway/webhook", $$"""{"url":"{{receiver.Url}}","enabled":true}""");
        Assert.True(status == System.Net.HttpStatusCode.OK, body?.ToJsonString());
    }

    private async Task<List<JsonNode>> DeliveriesAsync(string? status = null) =>
        [.. (await admin.GetJsonAsync("/v1/gateway/webhook/deliveries" + (status is null ? "" : $"?status={status}"))).Body!["items"]!
            .AsArray().Select(n => n!)];

    /// <summary>
    /// The deliveries in <paramref name="status"/> once there are any (10 s at most): the sender records a delivery's
    /// outcome after the receiver has answered, so a loaded machine can show the event before its status.
    /// </summary>
    private async Task<List<JsonNode>> SettledAsync(string status)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var found = await DeliveriesAsync(status);
        while (found.Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
            found = await DeliveriesAsync(status);
        }
        return found;
    }

    [Fact]
    public async Task Calls_EveryEventArrivesOnce_Signed_InBatches()
    {
        await EnableAsync();
        var (_, key) = await gateway.CustomerAsync("hook-all");
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(200, await gateway.Caller(key).ChatAsync(extra: $$""","metadata":{"call":"{{i}}"}""").StatusAsync());
        }

        await receiver.WaitForAsync(r => r.Events.Count == 12);

        Assert.Equal(0, receiver.SignatureFailures);
        Assert.True(receiver.Attempts.Count >= 3);
        Assert.Equal(receiver.Attempts.Count, receiver.Attempts.Select(a => a.RequestId).Distinct().Count());
        Assert.All(receiver.Attempts, a => Assert.True(Guid.TryParse(a.RequestId, out _)));
        var sample = receiver.Events.Values.First();
        Assert.Equal(["idempotencyKey", "timestamp", "requestId", "requestMetadata", "modelSlug", "externalEntityId",
            "apiKeyPrefix", "tokens", "usageSource", "interrupted"], sample.Select(p => p.Key));
        Assert.Equal(("PROVIDER", false), (sample["usageSource"]!.GetValue<string>(), sample["interrupted"]!.GetValue<bool>()));
        Assert.Equal(("hook-all", key[..16], "your-org/your-model"), (sample["externalEntityId"]!.GetValue<string>(),
            sample["apiKeyPrefix"]!.GetValue<string>(), sample["modelSlug"]!.GetValue<string>()));
        Assert.True(sample["tokens"]!["outputTokens"]!.GetValue<long>() > 0);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i.ToString()).Order(),
            receiver.Events.Values.Select(e => e["requestMetadata"]!["call"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task Receiver503ThreeTimesThen200_SameRequestIdEachTime()
    {
        await EnableAsync();
        receiver.Answer(503, 503, 503);

        await admin.PostAsync("/v1/gateway/webhook/test", "{}");
        await receiver.WaitForAsync(r => r.Events.Count == 1);

        Assert.Equal(4, receiver.Attempts.Count);
        Assert.Single(receiver.Attempts.Select(a => a.RequestId).Distinct());
        var delivery = Assert.Single(await SettledAsync("DELIVERED"));
        Assert.Equal(4, delivery["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task HangingReceiverAndRedirect_AreRetriedAfterTheTimeout_NotFollowed()
    {
        await EnableAsync();
        receiver.Delays.Enqueue(TimeSpan.FromSeconds(30));
        receiver.Answer(302);

        await admin.PostAsync("/v1/gateway/webhook/test", "{}");
        await receiver.WaitForAsync(r => r.Events.Count == 1);

        Assert.Equal(3, receiver.Attempts.Count);
        Assert.Single(receiver.Attempts.Select(a => a.RequestId).Distinct());
        var delivery = Assert.Single(await SettledAsync("DELIVERED"));
        Assert.Equal(3, delivery["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task Receiver400_IsFinal_NotRetried()
    {
        await EnableAsync();
        receiver.Answer(400);

        await admin.PostAsync("/v1/gateway/webhook/test", "{}");
        await receiver.WaitForAsync(r => !r.Attempts.IsEmpty);
        await Task.Delay(1500);

        Assert.Single(receiver.Attempts);
        var delivery = Assert.Single(await SettledAsync("FAILED"));
        Assert.Equal(400, delivery["last_status_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task ReceiverDownPastTheBudget_DeadLetters_ThenRedeliveryDelivers()
    {
        await EnableAsync();
        receiver.DefaultAnswer = 503;
        await admin.PostAsync("/v1/gateway/webhook/test", "{}");
        for (var i = 0; i < 100 && (await DeliveriesAsync("DEAD")).Count == 0; i++)
        {
            await Task.Delay(100);
        }
        var dead = Assert.Single(await DeliveriesAsync("DEAD"));
        Assert.Equal(4, receiver.Attempts.Count);
        receiver.DefaultAnswer = 200;

        var (status, _) = await admin.PostAsync($"/v1/gateway/webhook/deliveries/{dead["id"]}/redeliver", "{}");
        await receiver.WaitForAsync(r => r.Events.Count == 1);

        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Single(receiver.Attempts.Select(a => a.RequestId).Distinct());
        Assert.Equal(dead["request_id"]!.GetValue<string>(), receiver.Attempts.First().RequestId);
    }

    [Fact]
    public async Task TwoActiveSecrets_GiveTwoSignatures_EachValid_AndRetiringOneDropsIt()
    {
        await EnableAsync();
        var secrets = await admin.GetJsonAsync("/v1/gateway/webhook");
        await AddSecretAsync();

        await admin.PostAsync("/v1/gateway/webhook/test", "{}");
        await receiver.WaitForAsync(r => r.Events.Count == 1);
        var first = secrets.Body!["secrets"]![0]!["id"]!.GetValue<string>();
        await admin.SendAsync(HttpMethod.Delete, $"/v1/gateway/webhook/secrets/{first}");
        await admin.PostAsync("/v1/gateway/webhook/test", "{}");
        await receiver.WaitForAsync(r => r.Events.Count == 2);

        var signatures = receiver.Attempts.Select(a => a.Signature.Split(',').Length).Order().ToList();
        Assert.Equal([1, 2], signatures);
        Assert.Equal(0, receiver.SignatureFailures);
    }
}
