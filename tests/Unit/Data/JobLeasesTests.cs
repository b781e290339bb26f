using FrontierGateway.Data;
using FrontierGateway.Data.Leases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>A lease's first taking that the database refuses for another reason than a holder: not "held".</summary>
public abstract class JobLeasesTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : JobLeasesTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : JobLeasesTests(DataProvider.Postgres);

    [Fact]
    public async Task FirstTaking_DatabaseRefusesTheInsert_FailsInsteadOfReportingTheLeaseHeld()
    {
        await RefuseInsertsAsync();
        var sut = new JobLeases(DbFactory, Services.GetRequiredService<HostId>(), Data.Time);

        var e = await Assert.ThrowsAsync<DbUpdateException>(() => sut.TryHoldAsync("refused-job", TimeSpan.FromMinutes(1)));

        Assert.Contains("refused by the test", e.InnerException!.Message, StringComparison.Ordinal);
    }

    /// <summary>A trigger that refuses every new lease row: a disk full, a read-only database.</summary>
    private async Task RefuseInsertsAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        if (Data.Provider == DataProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TRIGGER refuse_leases BEFORE INSERT ON "Leases" BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
                """);
            return;
        }
        await db.Database.ExecuteSqlRawAsync("""
            CREATE FUNCTION refuse_leases() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '42501'; END $$;
            CREATE TRIGGER refuse_leases BEFORE INSERT ON "Leases" FOR EACH ROW EXECUTE FUNCTION refuse_leases();
            """);
    }
}
