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
    public async Task Prune_RemovesOnlyDeliveredDeliveriesAndTheirEventsPastTheRetention()
    {
        // Rows dated ahead, and a pruner of the test's own whose clock is ahead as much: the host's own pruner, which
        // makes its first pass as the host starts (maybe while the rows go in), finds nothing of them to prune.
        var ahead = TimeSpan.FromDays(60);
        var now = DateTime.UtcNow + ahead;
        var old = Delivery(DeliveryStatus.Delivered, now.AddDays(-31));
        var recent = Delivery(DeliveryStatus.Delivered, now.AddDays(-1));
        var deadOld = Delivery(DeliveryStatus.Dead, now.AddDays(-40));
        await factory.QueryAsync(async db =>
        {
            db.WebhookDeliveries.AddRange(old, recent, deadOld);
            db.UsageEvents.AddRange(Event(old.Id), Event(recent.Id), Event(deadOld.Id), Event(null));
            return await db.SaveChangesAsync();
        });
        var sut = ActivatorUtilities.CreateInstance<RetentionPruner>(factory.Services, new ShiftedTime { Offset = ahead });

        var removed = await sut.PruneAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        var left = await factory.QueryAsync(db => db.WebhookDeliveries.Select(d => d.Id).ToListAsync());
        Assert.Equal(new[] { recent.Id, deadOld.Id }.Order(), left.Order());
        var events = await factory.QueryAsync(db => db.UsageEvents.Where(e => e.RequestId == "req_prune").ToListAsync());
        Assert.Equal(3, events.Count);
        Assert.DoesNotContain(events, e => e.DeliveryId == old.Id);
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

    private static WebhookDelivery Delivery(DeliveryStatus status, DateTime at)
    {
        var delivery = WebhookService.NewDelivery("{}", 1, at);
        delivery.Status = status;
        delivery.DeliveredAt = status == DeliveryStatus.Delivered ? at : null;
        return delivery;
    }

    private static UsageEvent Event(string? deliveryId) => new()
    {
        IdempotencyKey = FrontierGateway.Data.Ids.NewUlid(), Timestamp = DateTime.UtcNow, RequestId = "req_prune",
        ModelSlug = "acme/m", GroupId = "grp_prune", ExternalEntityId = "prune", ApiKeyPrefix = "pruneprefix00001",
        DeliveryId = deliveryId,
    };
}
