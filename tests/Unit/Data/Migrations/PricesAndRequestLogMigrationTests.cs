using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FrontierGateway.Tests.Unit.Data.Migrations;

/// <summary>The migration of issue 14 (prices, costs, request log) on both providers: from the previous schema, with data.</summary>
public abstract class PricesAndRequestLogMigrationTests(DataProvider provider) : IAsyncLifetime
{
    public sealed class OnSqlite() : PricesAndRequestLogMigrationTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : PricesAndRequestLogMigrationTests(DataProvider.Postgres);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "fgw-tests", Guid.NewGuid().ToString("N"));
    private TestDatabase database = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        database = new TestDatabase(provider, folder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Migrate_FromThePreviousSchemaWithData_OldRowsHaveNoPriceOrCost_NewColumnsKeepExactDecimals()
    {
        await using (var db = database.Context())
        {
            var migrations = db.Database.GetMigrations().ToList();
            var index = migrations.FindIndex(m => m.EndsWith("_PricesAndRequestLog", StringComparison.Ordinal));
            Assert.True(index > 0, "the migration PricesAndRequestLog is missing");
            await db.GetService<IMigrator>().MigrateAsync(migrations[index - 1]);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Endpoints" ("Id", "Slug", "CreatedAt", "UpdatedAt") VALUES ('ep_old', 'org/old', '2026-01-01 00:00:00', '2026-01-01 00:00:00')
                """);
        }

        await using (var db = database.Context())
        {
            await db.Database.MigrateAsync();
            Assert.False(db.Database.HasPendingModelChanges());
            var old = await db.Endpoints.SingleAsync(e => e.Id == "ep_old");
            Assert.Null(old.PriceCurrency);
            old.PriceCurrency = "USD";
            (old.InputPricePerMillion, old.OutputPricePerMillion) = (0.000001m, 999_999.999999m);
            db.UsageEvents.Add(new UsageEvent
            {
                IdempotencyKey = Ids.NewUlid(), Timestamp = DateTime.UtcNow, RequestId = "req_m", ModelSlug = "org/old",
                GroupId = "grp_m", ExternalEntityId = "m", ApiKeyPrefix = "prefix0000000000",
                Cost = 1_234_567.000000000001m, CostCurrency = "USD",
            });
            db.RequestLog.Add(new RequestLogEntry
            {
                Timestamp = DateTime.UtcNow, RequestId = "req_m", KeyPrefix = "prefix0000000000", GroupId = "grp_m",
                Slug = "org/old", Status = 429, RefusedLimit = "1 REQUEST per DAY", RefusedSourceGroupId = "grp_m",
            });
            await db.SaveChangesAsync();
        }

        await using (var db = database.Context())
        {
            var endpoint = await db.Endpoints.SingleAsync(e => e.Id == "ep_old");
            Assert.Equal((0.000001m, 999_999.999999m), (endpoint.InputPricePerMillion, endpoint.OutputPricePerMillion));
            Assert.Equal(1_234_567.000000000001m, (await db.UsageEvents.SingleAsync()).Cost);
            Assert.Equal("1 REQUEST per DAY", (await db.RequestLog.SingleAsync()).RefusedLimit);
        }
    }
}
