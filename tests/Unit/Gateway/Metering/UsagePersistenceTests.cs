using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Tests.Unit.Data;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>The day totals' rows, written by several hosts that share the counters (the Redis store).</summary>
public abstract class UsagePersistenceTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : UsagePersistenceTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : UsagePersistenceTests(DataProvider.Postgres);

    private static readonly DailyKey Key = new("grp_a", "org/m", LimitType.Request, new DateOnly(2026, 5, 13));
    private static readonly DateTime Now = new(2026, 5, 13, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task SaveDaily_TwoHostsInsertTheSameNewRowAtOnce_BothCommitAndTheLargerTotalStays()
    {
        await using var first = await DbFactory.CreateDbContextAsync();
        await using var firstTransaction = await first.Database.BeginTransactionAsync();
        await UsagePersistence.SaveDailyAsync(first, [KeyValuePair.Create(Key, 5L)], Now);
        await first.SaveChangesAsync();

        // The second host's insert of the same row waits on the first's lock; it must not fail once that commits.
        var second = Task.Run(async () =>
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await UsagePersistence.SaveDailyAsync(db, [KeyValuePair.Create(Key, 3L)], Now);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        });
        // Gives the second host time to reach the row before the first commits: the case that used to fail.
        await Task.Delay(300);
        await firstTransaction.CommitAsync();
        await second;

        Assert.Equal(5, await StoredAsync());
    }

    [Fact]
    public async Task SaveDaily_LaterTotals_RaiseTheRowButNeverLowerIt()
    {
        var stored = new List<long?>();
        foreach (var total in new[] { 4L, 2L, 9L })
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            await UsagePersistence.SaveDailyAsync(db, [KeyValuePair.Create(Key, total)], Now);
            await db.SaveChangesAsync();
            stored.Add(await StoredAsync());
        }

        Assert.Equal([4, 4, 9], stored);
    }

    private async Task<long?> StoredAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.DailyUsage.Where(u => u.GroupId == Key.GroupId && u.Slug == Key.Slug && u.Type == Key.Type && u.Day == Key.Day)
            .Select(u => (long?)u.Value).SingleOrDefaultAsync();
    }
}
