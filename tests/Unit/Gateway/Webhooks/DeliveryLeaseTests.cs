using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Leases;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Gateway.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

/// <summary>
/// Several senders on one database, as several hosts run them: each delivery is attempted by one of them, and the
/// deliveries a dead host had claimed go to the others once its lease runs out.
/// </summary>
public abstract class DeliveryLeaseTests(DataProvider provider) : IAsyncLifetime
{
    public sealed class OnSqlite() : DeliveryLeaseTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : DeliveryLeaseTests(DataProvider.Postgres);

    private readonly GatewayFactory gateway = GatewayFactory.On(provider);
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        gateway.Settings["Webhooks:AttemptTimeoutSeconds"] = "5";
        var admin = gateway.Client();
        var secret = (await admin.PostAsync("/v1/gateway/webhook/secrets", "{}")).Body!["secret"]!.GetValue<string>();
        lock (receiver.Secrets)
        {
            receiver.Secrets.Add(secret);
        }
        await admin.SendAsync(HttpMethod.Put, "/v1/gateway/webhook", $$"""{"url":"{{receiver.Url}}","enabled":true}""");
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        await receiver.DisposeAsync();
    }

    /// <summary>A sender of another host: its own identity, the same database and receiver.</summary>
    private WebhookSender OtherHost() => ActivatorUtilities.CreateInstance<WebhookSender>(gateway.Services, new HostId());

    private async Task<List<WebhookDelivery>> InsertAsync(int count, string? leasedBy = null, DateTime? leaseUntil = null)
    {
        var now = gateway.Time.GetUtcNow().UtcDateTime;
        var deliveries = Enumerable.Range(0, count).Select(i =>
        {
            var delivery = WebhookService.NewDelivery($$$"""{"data":{"events":[{"idempotencyKey":"evt-{{{i}}}"}]}}""", 1, now);
            (delivery.LeaseOwner, delivery.LeaseUntil) = (leasedBy, leaseUntil);
            return delivery;
        }).ToList();
        await gateway.QueryAsync(async db =>
        {
            db.WebhookDeliveries.AddRange(deliveries);
            return await db.SaveChangesAsync();
        });
        return deliveries;
    }

    [Fact]
    public async Task ThreeSendersAtOnce_EveryDeliveryIsAttemptedExactlyOnce()
    {
        var deliveries = await InsertAsync(100);
        var others = new[] { OtherHost(), OtherHost() };

        // The host's own sender runs in the background; two more compete with it until every delivery is out.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(others.Select(sender => Task.Run(async () =>
        {
            while (receiver.Attempts.Count < deliveries.Count)
            {
                await sender.SendDueAsync(deadline.Token);
            }
        })));

        await WaitForAsync(() => DeliveredAsync(deliveries.Count));
        var attempted = receiver.Attempts.Select(a => a.RequestId).ToList();
        Assert.Equal(deliveries.Count, attempted.Count);
        Assert.Equal(deliveries.Select(d => d.RequestId.ToString()).Order(), attempted.Order());
        Assert.Equal(0, receiver.SignatureFailures);
        var stored = await gateway.QueryAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync());
        Assert.All(stored, d => Assert.Equal((DeliveryStatus.Delivered, 1, (string?)null), (d.Status, d.Attempts, d.LeaseOwner)));
    }

    [Fact]
    public async Task AHostDiesHoldingLeases_TheOthersDeliverThemOnceTheLeaseRunsOut()
    {
        var until = gateway.Time.GetUtcNow().UtcDateTime.AddMinutes(1);
        var deliveries = await InsertAsync(10, leasedBy: "dead-host/1/x", leaseUntil: until);
        var other = OtherHost();

        await other.SendDueAsync(CancellationToken.None);

        Assert.Empty(receiver.Attempts);
        Assert.All(await gateway.QueryAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync()),
            d => Assert.Equal((DeliveryStatus.Pending, "dead-host/1/x"), (d.Status, d.LeaseOwner)));

        gateway.Time.Offset += TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1);
        await other.SendDueAsync(CancellationToken.None);
        await receiver.WaitForAsync(r => r.Attempts.Count >= deliveries.Count);

        Assert.Equal(deliveries.Select(d => d.RequestId.ToString()).Order(), receiver.Attempts.Select(a => a.RequestId).Order());
        await WaitForAsync(() => DeliveredAsync(deliveries.Count));
    }

    [Fact]
    public async Task JobLease_HeldByOneHostAtATime_TakenOverWhenItLapses()
    {
        var factory = gateway.Services.GetRequiredService<IDbContextFactory<FrontierGateway.Data.FrontierDbContext>>();
        var first = new JobLeases(factory, new HostId(), gateway.Time);
        var second = new JobLeases(factory, new HostId(), gateway.Time);

        Assert.True(await first.TryHoldAsync("test-job", TimeSpan.FromSeconds(30)));
        Assert.False(await second.TryHoldAsync("test-job", TimeSpan.FromSeconds(30)));
        Assert.True(await first.TryHoldAsync("test-job", TimeSpan.FromSeconds(30))); // renewed by its holder

        gateway.Time.Offset += TimeSpan.FromSeconds(31);

        Assert.True(await second.TryHoldAsync("test-job", TimeSpan.FromSeconds(30)));
        Assert.False(await first.TryHoldAsync("test-job", TimeSpan.FromSeconds(30)));
        Assert.True(await first.TryHoldAsync("another-job", TimeSpan.FromSeconds(30)));

        // Held by this machine's previous process (ended): taken at once, without waiting for it to lapse.
        var self = new HostId().Value.Split('/');
        await gateway.QueryAsync(db => db.Leases.Where(l => l.Name == "test-job")
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Owner, $"{self[0]}/{int.MaxValue}/1/old")));
        Assert.True(await first.TryHoldAsync("test-job", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ASenderWhoseLeaseWasTakenOver_CannotSaveOverTheNewHolder()
    {
        var delivery = (await InsertAsync(1, leasedBy: "slow-host/1/1/x", leaseUntil: DateTime.UtcNow.AddMinutes(1)))[0];
        var factory = gateway.Services.GetRequiredService<IDbContextFactory<FrontierGateway.Data.FrontierDbContext>>();
        await using var slow = await factory.CreateDbContextAsync();
        var seen = await slow.WebhookDeliveries.SingleAsync(d => d.Id == delivery.Id);

        // Meanwhile the lease lapsed and another host took the delivery.
        await gateway.QueryAsync(db => db.WebhookDeliveries.Where(d => d.Id == delivery.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.LeaseOwner, "other-host/2/2/y")));
        (seen.Status, seen.LeaseOwner) = (DeliveryStatus.Dead, null);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => slow.SaveChangesAsync());
        var stored = await gateway.QueryAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == delivery.Id));
        Assert.Equal((DeliveryStatus.Pending, "other-host/2/2/y"), (stored.Status, stored.LeaseOwner));
    }

    [Fact]
    public void HostId_TellsAnEndedLocalProcess_FromThisOneAndFromOtherMachines()
    {
        var self = new HostId().Value;
        var parts = self.Split('/');

        Assert.Equal(4, parts.Length);
        Assert.False(HostId.IsEndedLocalProcess(self));
        // The same pid started at another time: a restarted container's process is pid 1 again.
        Assert.True(HostId.IsEndedLocalProcess($"{parts[0]}/{parts[1]}/{long.Parse(parts[2]) - 1}/abc"));
        Assert.True(HostId.IsEndedLocalProcess($"{parts[0]}/{int.MaxValue}/1/abc"));
        Assert.False(HostId.IsEndedLocalProcess($"another-machine-{parts[0]}/{int.MaxValue}/1/abc"));
    }

    private async Task<bool> DeliveredAsync(int count) =>
        await gateway.QueryAsync(db => db.WebhookDeliveries.CountAsync(d => d.Status == DeliveryStatus.Delivered)) == count;

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(50);
        }
    }
}
