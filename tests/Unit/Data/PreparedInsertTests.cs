using System.Data.Common;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Usage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Data;

public abstract class PreparedInsertTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : PreparedInsertTests(DataProvider.Sqlite)
    {
        // Both tables the metering path writes take SQLite's bound-by-position path (a column of another type would
        // send them back to Microsoft.Data.Sqlite's, silently slower).
        [Fact]
        public async Task BindsByPosition_UsageEventsAndRequestLogRows_True()
        {
            await using var db = await DbFactory.CreateDbContextAsync();

            Assert.True(PreparedInsert.BindsByPosition(db, typeof(UsageEvent)));
            Assert.True(PreparedInsert.BindsByPosition(db, typeof(RequestLogEntry)));
        }

        // Another connection holds the write lock: a row written outside a transaction waits for it, as a
        // Microsoft.Data.Sqlite command does, instead of failing at once.
        [Fact]
        public async Task InsertAsync_DatabaseBusyForAWhile_WaitsAndWrites()
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            await using var holder = new SqliteConnection(db.Database.GetConnectionString());
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sut = Task.Run(() => PreparedInsert.InsertAsync(db, [Event("01WAITEDFORTHELOCK00000000", DateTime.UtcNow)]));
            await Task.Delay(400);
            Assert.False(sut.IsCompleted);
            await using (var commit = holder.CreateCommand())
            {
                commit.CommandText = "COMMIT";
                await commit.ExecuteNonQueryAsync();
            }
            await sut;

            Assert.True(clock.ElapsedMilliseconds >= 400);
            await using var read = await DbFactory.CreateDbContextAsync();
            Assert.Equal(1, await read.UsageEvents.CountAsync());
        }

        // A statement run by position with fewer values than placeholders fails instead of reading NULL for the rest.
        [Fact]
        public async Task ExecuteOnSqlite_FewerValuesThanPlaceholders_Throws()
        {
            await using var db = await DbFactory.CreateDbContextAsync();

            var e = Assert.Throws<InvalidOperationException>(() => PreparedInsert.ExecuteOnSqlite(db,
                """UPDATE "CustomerApiKeys" SET "LastUsedAt" = ?2 WHERE "Prefix" = ?1""", ["prefix"]));

            Assert.Contains("2 placeholders for 1 values", e.Message);
        }
    }

    public sealed class OnPostgres() : PreparedInsertTests(DataProvider.Postgres);

    private static UsageEvent Event(string key, DateTime at, string? metadata = null) => new()
    {
        IdempotencyKey = key,
        Timestamp = at,
        RequestId = "req_" + key,
        RequestMetadata = metadata,
        ModelSlug = "org/m",
        GroupId = "grp_a",
        ExternalEntityId = "ext-a",
        ApiKeyPrefix = "prefix0000000000",
        InputTokens = 12,
        OutputTokens = 34,
        CachedInputTokens = 5,
        Estimated = true,
    };

    [Fact]
    public async Task InsertAsync_RowsReadBackAsEFWritesThem_InTheSameStoredFormat()
    {
        // Microseconds: the finest a PostgreSQL timestamp holds.
        var at = new DateTime(2026, 11, 27, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234560);
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.UsageEvents.Add(Event("01EFWRITTEN000000000000000", at));
            await db.SaveChangesAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await PreparedInsert.InsertAsync(db, [Event("01RAWWRITTEN00000000000000", at, """{"k":"v"}"""),
                Event("01RAWWRITTEN00000000000001", at.AddSeconds(1))]);
            await transaction.CommitAsync();
        }

        await using var read = await DbFactory.CreateDbContextAsync();
        var rows = await read.UsageEvents.AsNoTracking().OrderBy(e => e.IdempotencyKey).ToListAsync();
        Assert.Equal(3, rows.Count);
        var raw = rows.Single(r => r.IdempotencyKey.StartsWith("01RAWWRITTEN") && r.RequestMetadata is not null);
        Assert.Equal(at, raw.Timestamp);
        Assert.Equal(DateTimeKind.Utc, raw.Timestamp.Kind);
        Assert.Equal(("""{"k":"v"}""", 12L, 34L, 5L, true, (string?)null),
            (raw.RequestMetadata, raw.InputTokens, raw.OutputTokens, raw.CachedInputTokens, raw.Estimated, raw.DeliveryId));
        // The stored value is the same as EF's (on SQLite, the same text), so equality, ranges and ordering treat both alike.
        var stored = await read.Database.SqlQueryRaw<string>(
            """SELECT "IdempotencyKey" AS "Value" FROM "UsageEvents" WHERE "Timestamp" = (SELECT "Timestamp" FROM "UsageEvents" WHERE "IdempotencyKey" LIKE '01EF%')""")
            .ToListAsync();
        Assert.Equal(2, stored.Count);
        Assert.Single(await read.UsageEvents.Where(e => e.Timestamp > at).ToListAsync());
    }

    [Fact]
    public async Task InsertAsync_MoreRowsThanOneStatementHolds_WritesEveryRowOnce()
    {
        // Full statements and a shorter last one on PostgreSQL; one row a statement on SQLite.
        var start = new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc);
        var events = Enumerable.Range(0, PreparedInsert.PostgresRowsPerStatement * 2 + 7)
            .Select(i => Event($"01BATCH{i:D19}", start.AddMilliseconds(i), i % 3 == 0 ? $$"""{"n":"{{i}}"}""" : null)).ToList();
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await PreparedInsert.InsertAsync(db, events, yieldBetweenRows: true);
            await transaction.CommitAsync();
        }

        await using var read = await DbFactory.CreateDbContextAsync();
        var sut = await read.UsageEvents.AsNoTracking().OrderBy(e => e.IdempotencyKey).ToListAsync();
        Assert.Equal(events.Select(e => (e.IdempotencyKey, e.Timestamp, e.RequestMetadata)),
            sut.Select(e => (e.IdempotencyKey, e.Timestamp, e.RequestMetadata)));
    }

    [Fact]
    public async Task InsertAsync_WithoutCommit_WritesNothing()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await PreparedInsert.InsertAsync(db, [Event("01ROLLEDBACK00000000000000", DateTime.UtcNow)]);
            await transaction.RollbackAsync();
        }

        await using var read = await DbFactory.CreateDbContextAsync();
        Assert.Equal(0, await read.UsageEvents.CountAsync());
    }

    [Fact]
    public async Task InsertAsync_RequestLogRows_LeaveTheIdentityToTheDatabase()
    {
        var at = new DateTime(2026, 11, 27, 3, 4, 5, DateTimeKind.Utc);
        RequestLogEntry Row(string id, int status, string? refused) => new()
        {
            Timestamp = at, RequestId = id, KeyPrefix = "prefix0000000000", GroupId = "grp_a", Slug = "org/m",
            Status = status, LatencyMicroseconds = 1500, InputTokens = 9, OutputTokens = 5, RefusedLimit = refused,
        };
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await PreparedInsert.InsertAsync(db, [Row("req_1", 200, null), Row("req_2", 429, "10 REQUEST per DAY")]);
            await transaction.CommitAsync();
        }

        await using var read = await DbFactory.CreateDbContextAsync();
        var sut = await read.RequestLog.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
        Assert.Equal([("req_1", 200, (string?)null, at), ("req_2", 429, "10 REQUEST per DAY", at)],
            sut.Select(r => (r.RequestId, r.Status, r.RefusedLimit, r.Timestamp)));
        Assert.True(sut[0].Id > 0 && sut[1].Id > sut[0].Id);
    }
    // Every column, as the database holds it (SQLite: the stored text, integer or null, read without EF's converters):
    // a row written here and one written by EF Core with the same values are the same row but for their key and id.
    [Theory]
    [InlineData(0, 0, 0, "")]
    [InlineData(1234567, 123.456789, 200, "USD")]
    [InlineData(9999999, 0.000000000001, 500, "EUR")]
    public async Task InsertAsync_EveryColumnStoredAsEFStoresIt(int ticks, double cost, int status, string text)
    {
        var at = new DateTime(2026, 11, 27, 23, 59, 59, DateTimeKind.Utc).AddTicks(ticks - ticks % 10);
        UsageEvent Full(string key)
        {
            // An empty text is stored as an empty text, not as NULL.
            var e = Event(key, at, text.Length == 0 ? "" : """{"tier":"gold","ünï":"€"}""");
            (e.Interrupted, e.Cost, e.CostCurrency, e.Status, e.LatencyMicroseconds, e.ExternalEntityId) =
                (true, (decimal)cost, text, status == 0 ? null : status, 123456789012, text.Length == 0 ? "" : "ext-Ärger 漢字");
            return e;
        }
        var (byEF, byInsert) = await WrittenBothWaysAsync(Full("01EFWRITTEN000000000000000"), Full("01RAWWRITTEN00000000000000"),
            """SELECT * FROM "UsageEvents" ORDER BY "IdempotencyKey" """, "IdempotencyKey", "RequestId");

        Assert.Equal(byEF, byInsert);
        Assert.Contains(byEF, c => c.Key == "Cost" && c.Value is not null);
    }

    [Fact]
    public async Task InsertAsync_RequestLogRow_EveryColumnStoredAsEFStoresIt()
    {
        RequestLogEntry Row(string id) => new()
        {
            Timestamp = new DateTime(2026, 11, 27, 3, 4, 5, DateTimeKind.Utc).AddTicks(4567890), RequestId = id,
            KeyPrefix = "prefix0000000000", GroupId = "grp_a", Slug = "org/m", Status = 429, LatencyMicroseconds = 1500,
            InputTokens = 9, OutputTokens = 5, RefusedLimit = "10 REQUEST per DAY", RefusedSourceGroupId = "grp_root",
            Error = "usage_limit_exceeded",
        };
        var (byEF, byInsert) = await WrittenBothWaysAsync(Row("req_ef"), Row("req_raw"),
            """SELECT * FROM "RequestLog" ORDER BY "Id" """, "Id", "RequestId");

        Assert.Equal(byEF, byInsert);
    }

    [Fact]
    public async Task InsertAsync_AKeyAlreadyStored_FailsAsADatabaseErrorAndTheConnectionGoesOn()
    {
        var at = new DateTime(2026, 11, 27, 3, 4, 5, DateTimeKind.Utc);
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var failed = await Assert.ThrowsAnyAsync<DbException>(() => PreparedInsert.InsertAsync(db,
                [Event("01DUPLICATE000000000000000", at), Event("01DUPLICATE000000000000000", at)]));
            Assert.Matches("UNIQUE constraint failed|duplicate key", failed.Message);
            await transaction.RollbackAsync();
            await using var again = await db.Database.BeginTransactionAsync();
            await PreparedInsert.InsertAsync(db, [Event("01AFTERWARDS00000000000000", at)]);
            await again.CommitAsync();
        }

        await using var read = await DbFactory.CreateDbContextAsync();
        Assert.Equal(["01AFTERWARDS00000000000000"], await read.UsageEvents.Select(e => e.IdempotencyKey).ToListAsync());
    }

    [Fact]
    public async Task InsertAsync_SkipExisting_LeavesAStoredKeyAsItIs_AndInsertsTheRest()
    {
        var at = new DateTime(2026, 11, 27, 3, 4, 5, DateTimeKind.Utc);
        var stored = Event("01STORED000000000000000000", at);
        stored.InputTokens = 11;
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await PreparedInsert.InsertAsync(db, [stored]);
            await transaction.CommitAsync();
        }
        var again = Event("01STORED000000000000000000", at);
        again.InputTokens = 99;

        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await PreparedInsert.InsertAsync(db, [again, Event("01NEW000000000000000000000", at), again], skipExisting: true);
            await transaction.CommitAsync();
        }

        await using var read = await DbFactory.CreateDbContextAsync();
        Assert.Equal([("01NEW000000000000000000000", 12L), ("01STORED000000000000000000", 11L)],
            (await read.UsageEvents.OrderBy(e => e.IdempotencyKey).Select(e => new { e.IdempotencyKey, e.InputTokens }).ToListAsync())
                .Select(e => (e.IdempotencyKey, e.InputTokens)));
    }

    /// <summary>
    /// One row written by EF Core, then one by <see cref="PreparedInsert"/>; each one's stored columns, read back by
    /// <paramref name="query"/> in that order, but the <paramref name="differing"/> ones (keys, ids).
    /// </summary>
    private async Task<(List<KeyValuePair<string, object?>> ByEF, List<KeyValuePair<string, object?>> ByInsert)>
        WrittenBothWaysAsync<T>(T byEF, T byInsert, string query, params string[] differing) where T : class
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.Add(byEF);
            await db.SaveChangesAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await PreparedInsert.InsertAsync(db, [byInsert]);
            await transaction.CommitAsync();
        }
        var rows = await StoredRowsAsync(query);
        Assert.Equal(2, rows.Count);
        return (Values(rows[0]), Values(rows[1]));

        List<KeyValuePair<string, object?>> Values(Dictionary<string, object?> row) => [.. row.Where(c => !differing.Contains(c.Key))];
    }

    /// <summary>Each row's columns by name, as the provider's reader gives them without EF Core (null for NULL).</summary>
    private async Task<List<Dictionary<string, object?>>> StoredRowsAsync(string sql)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName,
                i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
        }
        return rows;
    }
}
