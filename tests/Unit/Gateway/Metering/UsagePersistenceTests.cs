using System.Diagnostics;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Tests.Unit.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using SQLitePCL;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>The day totals' rows, written by several hosts that share the counters (the Redis store).</summary>
public abstract class UsagePersistenceTests(DataProvider provider) : DatabaseTest(provider)
{
    private DataProvider Provider { get; } = provider;

    public sealed class OnSqlite() : UsagePersistenceTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : UsagePersistenceTests(DataProvider.Postgres)
    {
        // Two hosts updating the same keys lock them in prefix order, first of all: a key whose stored use is later is
        // not updated, and is locked all the same (the lock statement's; the UPDATE alone would leave it free).
        [Fact]
        public async Task SaveLastUsed_LocksEveryKeyOfTheBatch_EvenOneItDoesNotMove()
        {
            await SeedKeysAsync(
                new CustomerApiKey { Prefix = "later00000000000", SecretHash = new byte[32], GroupId = "grp_a", LastUsedAt = Now.AddHours(1) },
                new CustomerApiKey { Prefix = "older00000000000", SecretHash = new byte[32], GroupId = "grp_a" });
            await using var db = await DbFactory.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();

            await UsagePersistence.SaveLastUsedAsync(db, new Dictionary<string, DateTime>
            {
                ["later00000000000"] = Now, ["older00000000000"] = Now,
            });

            await using var other = await DbFactory.CreateDbContextAsync();
            var e = await Assert.ThrowsAsync<PostgresException>(() => other.Database.ExecuteSqlAsync(
                $"""SELECT 1 FROM "CustomerApiKeys" WHERE "Prefix" = {"later00000000000"} FOR UPDATE NOWAIT"""));
            Assert.Equal(PostgresErrorCodes.LockNotAvailable, e.SqlState);
        }

        // The order is what keeps two hosts from deadlocking: with the second key held by another transaction, the
        // writer must already hold the first while it waits. Locking in any other order leaves the first key free.
        [Fact]
        public async Task SaveLastUsed_LocksKeysInPrefixOrder()
        {
            await SeedKeysAsync(
                new CustomerApiKey { Prefix = "aaaa000000000000", SecretHash = new byte[32], GroupId = "grp_a" },
                new CustomerApiKey { Prefix = "bbbb000000000000", SecretHash = new byte[32], GroupId = "grp_a" });

            await AssertLockedFirstAsync(
                """SELECT 1 FROM "CustomerApiKeys" WHERE "Prefix" = 'bbbb000000000000' FOR UPDATE""",
                db => UsagePersistence.SaveLastUsedAsync(db, new Dictionary<string, DateTime>
                {
                    ["bbbb000000000000"] = Now, ["aaaa000000000000"] = Now,
                }),
                """SELECT 1 FROM "CustomerApiKeys" WHERE "Prefix" = 'aaaa000000000000' FOR UPDATE NOWAIT""");
        }

        [Fact]
        public async Task SaveDaily_LocksCountersInKeyOrder()
        {
            var first = Key;
            var second = Key with { GroupId = "grp_b" };
            await using (var seed = await DbFactory.CreateDbContextAsync())
            {
                await UsagePersistence.SaveDailyAsync(seed, [KeyValuePair.Create(first, 1L), KeyValuePair.Create(second, 1L)], Now);
            }

            await AssertLockedFirstAsync(
                """SELECT 1 FROM "DailyUsage" WHERE "GroupId" = 'grp_b' FOR UPDATE""",
                db => UsagePersistence.SaveDailyAsync(db, [KeyValuePair.Create(second, 2L), KeyValuePair.Create(first, 2L)], Now),
                """SELECT 1 FROM "DailyUsage" WHERE "GroupId" = 'grp_a' FOR UPDATE NOWAIT""");
        }

        /// <summary>
        /// Holds a row with <paramref name="holdSecond"/>, runs <paramref name="write"/> in a transaction of its own
        /// (it waits on that row), and asserts that meanwhile <paramref name="tryFirst"/> finds the first row locked.
        /// </summary>
        private async Task AssertLockedFirstAsync(string holdSecond, Func<FrontierDbContext, Task> write, string tryFirst)
        {
            await using var holder = await DbFactory.CreateDbContextAsync();
            await using var held = await holder.Database.BeginTransactionAsync();
            await holder.Database.ExecuteSqlRawAsync(holdSecond);
            var writing = Task.Run(async () =>
            {
                await using var db = await DbFactory.CreateDbContextAsync();
                await using var transaction = await db.Database.BeginTransactionAsync();
                await write(db);
                await transaction.CommitAsync();
            });

            var firstLocked = false;
            for (var tries = 0; tries < 50 && !firstLocked && !writing.IsCompleted; tries++)
            {
                await Task.Delay(100);
                await using var probe = await DbFactory.CreateDbContextAsync();
                await using var probing = await probe.Database.BeginTransactionAsync();
                try
                {
                    await probe.Database.ExecuteSqlRawAsync(tryFirst);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
                {
                    firstLocked = true;
                }
            }
            await held.CommitAsync();
            await writing;

            Assert.True(firstLocked, "the writer waited on the second row without holding the first");
        }
    }

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

    [Fact]
    public async Task SaveDaily_ManyCounters_StoredInAFewStatements()
    {
        var totals = Enumerable.Range(0, 1_200)
            .Select(i => KeyValuePair.Create(Key with { GroupId = $"grp_{i:D5}" }, (long)i + 1)).ToList();

        var statements = await StatementsAsync(db => UsagePersistence.SaveDailyAsync(db, totals, Now));

        await using var check = await DbFactory.CreateDbContextAsync();
        var stored = await check.DailyUsage.Where(u => u.Day == Key.Day).ToDictionaryAsync(u => u.GroupId, u => u.Value);
        Assert.Equal(totals.ToDictionary(t => t.Key.GroupId, t => t.Value), stored);
        // A statement a counter cost the usage writer more than its events once calls came from many groups.
        Assert.Equal(3, statements);
    }

    [Fact]
    public async Task SaveLastUsed_MovesEachKeyForwardNeverBack_RevokedKeysToo_UnknownPrefixesIgnored()
    {
        var earlier = Now.AddMinutes(-5);
        await SeedKeysAsync(
            new CustomerApiKey { Prefix = "never00000000000", SecretHash = new byte[32], GroupId = "grp_a" },
            new CustomerApiKey { Prefix = "later00000000000", SecretHash = new byte[32], GroupId = "grp_a", LastUsedAt = Now.AddHours(1) },
            new CustomerApiKey { Prefix = "older00000000000", SecretHash = new byte[32], GroupId = "grp_a", LastUsedAt = earlier },
            new CustomerApiKey { Prefix = "revoked000000000", SecretHash = new byte[32], GroupId = "grp_a", RevokedAt = earlier });
        var used = new[] { "never00000000000", "later00000000000", "older00000000000", "revoked000000000", "unknown000000000" }
            .ToDictionary(p => p, _ => Now.AddTicks(1_234_560)); // microseconds: what PostgreSQL keeps

        await StatementsAsync(db => UsagePersistence.SaveLastUsedAsync(db, used));

        await using var check = await DbFactory.CreateDbContextAsync();
        var stored = await check.CustomerApiKeys.IgnoreQueryFilters().ToDictionaryAsync(k => k.Prefix, k => k.LastUsedAt);
        Assert.Equal(new Dictionary<string, DateTime?>
        {
            ["never00000000000"] = Now.AddTicks(1_234_560),
            ["later00000000000"] = Now.AddHours(1),
            ["older00000000000"] = Now.AddTicks(1_234_560),
            ["revoked000000000"] = Now.AddTicks(1_234_560),
        }, stored);
    }

    [Fact]
    public async Task SaveLastUsed_ManyKeys_AllWrittenInAFewStatements()
    {
        var prefixes = Enumerable.Range(0, 1_200).Select(i => $"key{i:D13}").ToList();
        await SeedKeysAsync([.. prefixes.Select(p => new CustomerApiKey { Prefix = p, SecretHash = new byte[32], GroupId = "grp_a" })]);
        var used = prefixes.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => Now.AddSeconds(x.i));

        var statements = await StatementsAsync(db => UsagePersistence.SaveLastUsedAsync(db, used));

        await using var check = await DbFactory.CreateDbContextAsync();
        var stored = await check.CustomerApiKeys.ToDictionaryAsync(k => k.Prefix, k => k.LastUsedAt);
        Assert.Equal(used.ToDictionary(u => u.Key, u => (DateTime?)u.Value), stored);
        // Three chunks; on PostgreSQL each first locks its rows in prefix order.
        Assert.Equal(Provider == DataProvider.Postgres ? 6 : 3, statements);
    }

    /// <summary>Runs <paramref name="write"/> in a transaction, saves and commits; the statements that sent.</summary>
    private async Task<int> StatementsAsync(Func<FrontierDbContext, Task> write)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var statements = 0;
        using var listeners = new Listeners(listener =>
            listener.Name == DbLoggerCategory.Name
                ? listener.Subscribe(new Events(e =>
                {
                    if (e.Key == RelationalEventId.CommandExecuted.Name && e.Value is CommandExecutedEventData data && data.Context == db)
                    {
                        Interlocked.Increment(ref statements);
                    }
                }))
                : null);
        using var subscription = DiagnosticListener.AllListeners.Subscribe(listeners);
        // SQLite also tells of the statements run by position, past EF Core and Microsoft.Data.Sqlite.
        var sqlite = Provider == DataProvider.Sqlite ? ((SqliteConnection)db.Database.GetDbConnection()).Handle : null;
        var traced = 0;
        if (sqlite is not null)
        {
            raw.sqlite3_trace(sqlite, (strdelegate_trace)((_, _) => Interlocked.Increment(ref traced)), null);
        }
        await write(db);
        // As the usage writer does: whatever the write left in the unit of work goes too.
        await db.SaveChangesAsync();
        if (sqlite is not null)
        {
            raw.sqlite3_trace(sqlite, (strdelegate_trace?)null, null);
        }
        await transaction.CommitAsync();
        return sqlite is null ? statements : traced;
    }

    private sealed class Listeners(Func<DiagnosticListener, IDisposable?> onListener) : IObserver<DiagnosticListener>, IDisposable
    {
        private readonly List<IDisposable> subscriptions = [];
        public void OnNext(DiagnosticListener value)
        {
            if (onListener(value) is { } subscription)
            {
                subscriptions.Add(subscription);
            }
        }
        public void OnCompleted() { }
        public void OnError(Exception error) { }
        public void Dispose() => subscriptions.ForEach(s => s.Dispose());
    }

    private sealed class Events(Action<KeyValuePair<string, object?>> onEvent) : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value) => onEvent(value);
        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }

    /// <summary>Group grp_a with <paramref name="keys"/> in it.</summary>
    private async Task SeedKeysAsync(params CustomerApiKey[] keys)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        db.Groups.Add(new Group { Id = "grp_a", Name = "a", ExternalEntityId = "a", Depth = 1 });
        db.CustomerApiKeys.AddRange(keys);
        await db.SaveChangesAsync();
    }

    private async Task<long?> StoredAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.DailyUsage.Where(u => u.GroupId == Key.GroupId && u.Slug == Key.Slug && u.Type == Key.Type && u.Day == Key.Day)
            .Select(u => (long?)u.Value).SingleOrDefaultAsync();
    }
}
