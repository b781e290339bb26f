using System.Net;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Leases;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

/// <summary>
/// Billing deliveries from several hosts on one PostgreSQL (and one Redis, as such a fleet runs): every event is
/// delivered once, whichever host made it, and the deliveries a killed host had claimed are sent by another.
/// </summary>
public sealed class TwoHostDeliveryTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly Dictionary<string, string> Webhooks = new()
    {
        ["Webhooks:BatchIntervalMs"] = "100",
        ["Webhooks:BatchSize"] = "7",
        ["Webhooks:BackoffBaseSeconds"] = "0.2",
        ["Webhooks:BackoffMaxSeconds"] = "0.5",
        ["Gateway:UsageFlushMilliseconds"] = "50",
    };

    [Fact]
    public async Task CallsOnBothHosts_EveryEventDeliveredExactlyOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hosts = HostPair.Start(new Dictionary<string, string>(Webhooks)
        {
            ["Redis:Configuration"] = redis.Configuration,
        }, DataProvider.Postgres);
        await EnableAsync(hosts.A.Client(), receiver);
        var (_, key) = await hosts.A.CustomerAsync("two-host-hooks");
        using var onA = HostPair.Caller(hosts.A, key);
        using var onB = HostPair.Caller(hosts.B, key);
        await HostPair.UntilAsync(async () => await onB.ChatAsync().StatusAsync() == 200, TimeSpan.FromSeconds(10), "key known to B");

        // 99 more calls, so 100 events in all: both hosts call at once, half each.
        await Task.WhenAll(Enumerable.Range(0, 99).Select(async i =>
            Assert.Equal(200, await (i % 2 == 0 ? onA : onB).ChatAsync().StatusAsync())));

        await receiver.WaitForAsync(r => r.Events.Count == 100, seconds: 60);
        // The receiver has an event before its sender records the answer.
        List<WebhookDelivery> deliveries = [];
        await HostPair.UntilAsync(async () =>
        {
            deliveries = await hosts.A.QueryAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync());
            return deliveries.All(d => d.Status == DeliveryStatus.Delivered);
        }, TimeSpan.FromSeconds(30), "every delivery recorded as delivered");
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Delivered, 1), (d.Status, d.Attempts)));
        Assert.Equal(100, receiver.EventsAccepted);
        Assert.Equal(deliveries.Count, receiver.Attempts.Count);
        Assert.Equal(0, receiver.SignatureFailures);
        // Each event is in exactly one delivery.
        var batched = await hosts.A.QueryAsync(db => db.UsageEvents.CountAsync(e => e.DeliveryId != null));
        Assert.Equal(100, batched);
    }

    [Fact]
    public async Task HostKilledHoldingDeliveryLeases_TheOtherHostDeliversThem()
    {
        var folder = GatewayFactory.NewFolder();
        await using var database = new TestDatabase(DataProvider.Postgres, folder);
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = new Dictionary<string, string>(Webhooks)
        {
            ["Webhooks:BatchSize"] = "1",
            ["Webhooks:Parallelism"] = "4",
            ["Webhooks:AttemptTimeoutSeconds"] = "2",
            ["Webhooks:LeaseMarginSeconds"] = "1",
        };
        // The database's settings but not its folder: each host has a folder (and a usage journal) of its own.
        foreach (var (name, value) in database.Settings.Where(s => s.Key != "Data:Folder"))
        {
            settings[name] = value!;
        }

        // Host A makes eight events, then hangs in its attempts of their deliveries (the receiver does not answer).
        await using var first = await HostProcess.StartAsync(Path.Combine(folder, "a"), settings);
        var admin = first.Client();
        var group = await admin.CreateGroupAsync("killed-holder", models: $$"""[{"slug":"{{InferenceHelpers.SimulatedSlug}}"}]""");
        var key = (await admin.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}")).Body!["api_key"]!.GetValue<string>();
        using var caller = new HttpClient { BaseAddress = first.BaseAddress };
        caller.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        }
        for (var i = 0; i < 100; i++)
        {
            receiver.Delays.Enqueue(TimeSpan.FromMinutes(1));
        }
        await EnableAsync(admin, receiver);

        var owner = $"{Environment.MachineName}/{first.ProcessId}/";
        await using var probe = database.Context();
        List<WebhookDelivery> held = [];
        await HostPair.UntilAsync(async () =>
        {
            held = await probe.WebhookDeliveries.AsNoTracking().Where(d => d.LeaseOwner != null && d.LeaseOwner.StartsWith(owner)).ToListAsync();
            return held.Count == 8;
        }, TimeSpan.FromSeconds(30), "host A leased the eight deliveries");
        first.Kill();
        receiver.Delays.Clear();

        // Half of the claims as if A had run on another machine: those wait for their lease to lapse. A's own machine
        // knows that A has ended, and frees the others at once.
        var elsewhere = held.Take(4).Select(d => d.Id).ToList();
        await probe.WebhookDeliveries.Where(d => elsewhere.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, "elsewhere/1/1/x"));
        await using var second = new LiveGatewayFactory { Folder = Path.Combine(folder, "b"), SharedDatabase = database };
        foreach (var (name, value) in settings)
        {
            second.Settings[name] = value;
        }
        _ = second.BaseAddress;

        // The receiver has an event before its sender records the answer.
        Dictionary<string, WebhookDelivery> delivered = [];
        await HostPair.UntilAsync(async () =>
        {
            delivered = await probe.WebhookDeliveries.AsNoTracking().ToDictionaryAsync(d => d.Id);
            return delivered.Values.All(d => d.Status == DeliveryStatus.Delivered);
        }, TimeSpan.FromSeconds(60), "every delivery recorded as delivered");
        Assert.Equal(8, receiver.Events.Count);
        // Delivery is at least once: on a loaded machine an attempt that outlives its timeout or lease is sent again, and
        // the receiver dedupes by idempotency key. A repeat must be the same delivery (its request id) sent again,
        // never the event in a new delivery.
        var accepted = receiver.Attempts.Where(a => a.Answer == 200).ToList();
        Assert.Equal(accepted.Count, receiver.EventsAccepted);
        Assert.Equal(delivered.Values.Select(d => d.RequestId.ToString()).Order(),
            accepted.Select(a => a.RequestId).Distinct().Order());
        foreach (var claim in held)
        {
            var after = delivered[claim.Id];
            Assert.Equal(DeliveryStatus.Delivered, after.Status);
            if (elsewhere.Contains(claim.Id))
            {
                Assert.True(after.DeliveredAt >= claim.LeaseUntil, $"delivered at {after.DeliveredAt:O}, leased until {claim.LeaseUntil:O}");
            }
            else
            {
                Assert.True(after.DeliveredAt < claim.LeaseUntil, $"delivered at {after.DeliveredAt:O}, leased until {claim.LeaseUntil:O}");
            }
        }
        Directory.Delete(folder, recursive: true);
    }

    private static async Task EnableAsync(HttpClient admin, WebhookReceiver receiver)
    {
        var secret = (await admin.PostAsync("/v1/gateway/webhook/secrets", "{}")).Body!["secret"]!.GetValue<string>();
        lock (receiver.Secrets)
        {
            receiver.Secrets.Add(secret);
        }
        var (status, body) = await admin.SendAsync(HttpMethod.Put, "/v1/gateway/webhook", $$"""{"url":"{{receiver.Url}}","enabled":true}""");
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
    }
}
