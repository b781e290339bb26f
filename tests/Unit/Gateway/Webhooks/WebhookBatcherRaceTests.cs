using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

/// <summary>
/// Two batchers on one database at once (a host whose lease lapsed mid-backlog and the host that took it over):
/// every event still goes in exactly one delivery.
/// </summary>
public abstract class WebhookBatcherRaceTests(DataProvider provider) : IAsyncLifetime
{
    public sealed class OnSqlite() : WebhookBatcherRaceTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : WebhookBatcherRaceTests(DataProvider.Postgres);

    private readonly GatewayFactory gateway = GatewayFactory.On(provider);

    public async Task InitializeAsync()
    {
        // The host's own batcher does not tick during the test: the test's two batchers are the only ones.
        gateway.Settings["Webhooks:BatchIntervalMs"] = "3600000";
        var admin = gateway.Client();
        await admin.PostAsync("/v1/gateway/webhook/secrets", "{}");
        await admin.SendAsync(HttpMethod.Put, "/v1/gateway/webhook", """{"url":"http://127.0.0.1:9/hook","enabled":true}""");
    }

    public async Task DisposeAsync() => await gateway.DisposeAsync();

    [Fact]
    public async Task TheSecondBatchesWhatTheFirstHasRead_TheFirstMakesNoDelivery()
    {
        var keys = await SeedAsync(5);
        var first = ActivatorUtilities.CreateInstance<WebhookBatcher>(gateway.Services);
        var second = ActivatorUtilities.CreateInstance<WebhookBatcher>(gateway.Services);
        await using var db = await gateway.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();

        var read = await first.ReadAsync(db, default);
        var taken = await second.BatchAsync(default);
        var late = await first.ClaimAsync(db, read!.Value, default);

        Assert.Equal((5, 5, 0), (read.Value.Events.Count, taken, late));
        var deliveries = await gateway.QueryAsync(q => q.UsageEvents.Where(e => keys.Contains(e.IdempotencyKey))
            .Select(e => e.DeliveryId).Distinct().ToListAsync());
        var id = Assert.Single(deliveries);
        Assert.NotNull(id);
        Assert.Equal(1, await gateway.QueryAsync(q => q.WebhookDeliveries.CountAsync()));
    }

    [Fact]
    public async Task OneEventOfTheReadBatchedElsewhere_NoneOfTheReadIsMarkedTwice()
    {
        var keys = await SeedAsync(3);
        var first = ActivatorUtilities.CreateInstance<WebhookBatcher>(gateway.Services);
        await using var db = await gateway.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        var read = await first.ReadAsync(db, default);
        // One of them put in another delivery meanwhile.
        await gateway.QueryAsync(q => q.UsageEvents.Where(e => e.IdempotencyKey == keys[1])
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.DeliveryId, "dlv_elsewhere")));

        var late = await first.ClaimAsync(db, read!.Value, default);

        Assert.Equal(0, late);
        var marks = await gateway.QueryAsync(q => q.UsageEvents.Where(e => keys.Contains(e.IdempotencyKey))
            .OrderBy(e => e.Timestamp).Select(e => e.DeliveryId).ToListAsync());
        Assert.Equal([null, "dlv_elsewhere", null], marks);
        Assert.Equal(0, await gateway.QueryAsync(q => q.WebhookDeliveries.CountAsync()));
    }

    private async Task<List<string>> SeedAsync(int count)
    {
        var start = gateway.Time.GetUtcNow().UtcDateTime.AddMinutes(-1);
        var events = Enumerable.Range(0, count).Select(i => new UsageEvent
        {
            IdempotencyKey = Ids.NewUlid(), Timestamp = start.AddSeconds(i), RequestId = $"req_race_{i}", ModelSlug = "acme/m",
            GroupId = "grp_race", ExternalEntityId = "race", ApiKeyPrefix = "racekey000000000", InputTokens = i, OutputTokens = 1,
        }).ToList();
        await gateway.QueryAsync(db =>
        {
            db.UsageEvents.AddRange(events);
            return db.SaveChangesAsync();
        });
        return events.ConvertAll(e => e.IdempotencyKey);
    }
}
