using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Gateway.Webhooks;
using FrontierGateway.Tests.Unit.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

public abstract class RetentionPrunerTests(GatewayFactory factory)
{
    protected GatewayFactory Factory => factory;

    public sealed class OnSqlite(GatewayFactory factory) : RetentionPrunerTests(factory), IClassFixture<GatewayFactory>
    {
        /// <summary>SQLite's plan; PostgreSQL's planner picks by table statistics, so an empty table proves nothing.</summary>
        [Fact]
        public async Task Prune_ReachesTheEventsThroughTheDeliveryIdIndex_NotAScanOfEveryEvent()
        {
            var plan = await Factory.QueryAsync(db => QueryPlan.ExplainAsync(db, RetentionPruner.EventsOf(db, ["dlv_a", "dlv_b"])));

            // EF names UsageEvents "u" in the query.
            Assert.Contains(plan, d => d.StartsWith("SEARCH u USING INDEX IX_UsageEvents_DeliveryId", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, d => d.StartsWith("SCAN u", StringComparison.Ordinal));
        }
    }

    public sealed class OnPostgres(PostgresGatewayFactory factory) : RetentionPrunerTests(factory), IClassFixture<PostgresGatewayFactory>;

    [Fact]
    public async Task Prune_RemovesDeliveredDeliveriesAndTheirEventsPastTheRetention_NeverPendingOnes()
    {
        // Rows dated ahead, and a pruner of the test's own whose clock is ahead as much: the host's own pruner, which
        // makes its first pass as the host starts (maybe while the rows go in), finds nothing of them to prune.
        var ahead = TimeSpan.FromDays(60);
        var now = DateTime.UtcNow + ahead;
        var old = Delivery(DeliveryStatus.Delivered, now.AddDays(-31));
        var recent = Delivery(DeliveryStatus.Delivered, now.AddDays(-1));
        // Still being retried, however old: its events are not delivered yet.
        var pendingOld = Delivery(DeliveryStatus.Pending, now.AddDays(-40));
        await factory.QueryAsync(async db =>
        {
            db.WebhookDeliveries.AddRange(old, recent, pendingOld);
            db.UsageEvents.AddRange(new[] { old.Id, recent.Id, pendingOld.Id, null }.Select(d => Event(d, "req_prune_delivered")));
            return await db.SaveChangesAsync();
        });
        var sut = ActivatorUtilities.CreateInstance<RetentionPruner>(factory.Services, new ShiftedTime { Offset = ahead });

        var removed = await sut.PruneAsync(CancellationToken.None);

        // At least: rows the other tests left behind may be past the retention on this pruner's clock.
        Assert.True(removed >= 1, $"removed {removed}");
        var ids = new[] { old.Id, recent.Id, pendingOld.Id };
        var left = await factory.QueryAsync(db => db.WebhookDeliveries.Where(d => ids.Contains(d.Id)).Select(d => d.Id).ToListAsync());
        Assert.Equal(new[] { recent.Id, pendingOld.Id }.Order(), left.Order());
        var events = await factory.QueryAsync(db => db.UsageEvents.Where(e => e.RequestId == "req_prune_delivered").ToListAsync());
        Assert.Equal(new[] { recent.Id, pendingOld.Id, null }.Order(), events.Select(e => e.DeliveryId).Order());
    }

    [Fact]
    public async Task Prune_FailedAndDeadPastTheRetention_AreRemovedWithTheirEvents_NewerOnesKept()
    {
        var ahead = TimeSpan.FromDays(120);
        var now = DateTime.UtcNow + ahead;
        var failedOld = Delivery(DeliveryStatus.Failed, now.AddDays(-31));
        var deadOld = Delivery(DeliveryStatus.Dead, now.AddDays(-40));
        var failedRecent = Delivery(DeliveryStatus.Failed, now.AddDays(-29));
        var deadRecent = Delivery(DeliveryStatus.Dead, now.AddDays(-1));
        // Made long ago, redelivered, and dead again yesterday: kept from its last attempt on, as a delivered one is
        // from its delivery.
        var redelivered = Delivery(DeliveryStatus.Dead, now.AddDays(-1), createdAt: now.AddDays(-50));
        List<WebhookDelivery> all = [failedOld, deadOld, failedRecent, deadRecent, redelivered];
        await factory.QueryAsync(async db =>
        {
            db.WebhookDeliveries.AddRange(all);
            db.UsageEvents.AddRange(all.Select(d => Event(d.Id)));
            return await db.SaveChangesAsync();
        });
        var sut = ActivatorUtilities.CreateInstance<RetentionPruner>(factory.Services, new ShiftedTime { Offset = ahead });

        var removed = await sut.PruneAsync(CancellationToken.None);

        var ids = all.ConvertAll(d => d.Id);
        var kept = new[] { failedRecent.Id, deadRecent.Id, redelivered.Id }.Order();
        Assert.Equal(kept, (await factory.QueryAsync(db => db.WebhookDeliveries.Where(d => ids.Contains(d.Id))
            .Select(d => d.Id).ToListAsync())).Order());
        Assert.Equal(kept, (await factory.QueryAsync(db => db.UsageEvents.Where(e => ids.Contains(e.DeliveryId!))
            .Select(e => e.DeliveryId!).ToListAsync())).Order());
        // At least: rows the other tests left behind may be past the retention on this pruner's clock.
        Assert.True(removed >= 2, $"removed {removed}");
    }

    [Fact]
    public async Task Prune_MoreThanAChunk_RemovesThemAllChunkByChunk()
    {
        var ahead = TimeSpan.FromDays(90);
        var now = DateTime.UtcNow + ahead;
        var old = Enumerable.Range(0, 5).Select(i => Delivery(DeliveryStatus.Delivered, now.AddDays(-35 - i))).ToList();
        await factory.QueryAsync(async db =>
        {
            db.WebhookDeliveries.AddRange(old);
            db.UsageEvents.AddRange(old.Select(d => Event(d.Id)));
            return await db.SaveChangesAsync();
        });
        var sut = ActivatorUtilities.CreateInstance<RetentionPruner>(factory.Services, new ShiftedTime { Offset = ahead });
        sut.Chunk = 2;

        var removed = await sut.PruneAsync(CancellationToken.None);

        Assert.True(removed >= 5, $"removed {removed}");
        var ids = old.ConvertAll(d => d.Id);
        Assert.Equal(0, await factory.QueryAsync(db => db.WebhookDeliveries.CountAsync(d => ids.Contains(d.Id))));
        Assert.Equal(0, await factory.QueryAsync(db => db.UsageEvents.CountAsync(e => ids.Contains(e.DeliveryId!))));
    }

    /// <summary>A delivery as the sender leaves it: attempted last at <paramref name="at"/> (delivered then, if it was).</summary>
    private static WebhookDelivery Delivery(DeliveryStatus status, DateTime at, DateTime? createdAt = null)
    {
        var delivery = WebhookService.NewDelivery("{}", 1, createdAt ?? at);
        delivery.Status = status;
        delivery.Attempts = 1;
        delivery.LastAttemptAt = at;
        delivery.DeliveredAt = status == DeliveryStatus.Delivered ? at : null;
        return delivery;
    }

    private static UsageEvent Event(string? deliveryId, string requestId = "req_prune") => new()
    {
        IdempotencyKey = FrontierGateway.Data.Ids.NewUlid(), Timestamp = DateTime.UtcNow, RequestId = requestId,
        ModelSlug = "acme/m", GroupId = "grp_prune", ExternalEntityId = "prune", ApiKeyPrefix = "pruneprefix00001",
        DeliveryId = deliveryId,
    };
}
