using System.Text;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Limits;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Writes the in-memory totals back to their tables, in the caller's unit of work: a few statements a batch, however
/// many groups and keys it touched (not a statement a counter and a tracked update a key).
/// </summary>
internal static class UsagePersistence
{
    /// <summary>Rows a statement: far below both providers' limits on parameters (SQLite 32,766; PostgreSQL 65,535).</summary>
    private const int RowsPerStatement = 500;

    /// <summary>
    /// Stores each counter's total, keeping the larger of the stored and the given one. Upserts in key order, as rows
    /// of one statement: several hosts write the same counters, and an insert-or-update read first would let two of
    /// them insert the same row (a duplicate-key failure of the whole batch); the fixed order keeps their row locks
    /// from deadlocking (PostgreSQL takes them row by row, in the order of the statement's rows). The same statement
    /// runs on SQLite and PostgreSQL.
    /// </summary>
    public static async Task SaveDailyAsync(FrontierDbContext db, IReadOnlyList<KeyValuePair<DailyKey, long>> totals, DateTime now)
    {
        var ordered = totals.OrderBy(t => t.Key.GroupId, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Slug, StringComparer.Ordinal).ThenBy(t => t.Key.Type).ThenBy(t => t.Key.Day).ToList();
        foreach (var chunk in ordered.Chunk(RowsPerStatement))
        {
            var values = chunk.SelectMany(t => new object[] { t.Key.GroupId, t.Key.Slug, t.Key.Type.ToString(), t.Key.Day, t.Value, now })
                .ToList();
            var sql = """INSERT INTO "DailyUsage" ("GroupId", "Slug", "Type", "Day", "Value", "UpdatedAt") VALUES """
                + Rows(db, chunk.Length, 6) + """

                ON CONFLICT ("GroupId", "Slug", "Type", "Day") DO UPDATE SET
                    "Value" = CASE WHEN excluded."Value" > "DailyUsage"."Value" THEN excluded."Value" ELSE "DailyUsage"."Value" END,
                    "UpdatedAt" = excluded."UpdatedAt"
                """;
            await ExecuteAsync(db, sql, values);
        }
    }

    /// <summary>
    /// Moves each key's last use forward to the given time, never back: every host writes its own calls' use, and a
    /// host whose batch is older than another's must not undo it. A key revoked since the call still records it. On
    /// PostgreSQL the rows are locked in prefix order first, so that two hosts updating the same keys cannot deadlock.
    /// </summary>
    public static async Task SaveLastUsedAsync(FrontierDbContext db, IReadOnlyDictionary<string, DateTime> used)
    {
        foreach (var chunk in used.OrderBy(u => u.Key, StringComparer.Ordinal).Chunk(RowsPerStatement))
        {
            var values = chunk.SelectMany(u => new object[] { u.Key, u.Value }).ToList();
            var rows = Rows(db, chunk.Length, 2);
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlAsync(
                    $"""SELECT 1 FROM "CustomerApiKeys" WHERE "Prefix" = ANY({chunk.Select(u => u.Key).ToArray()}) ORDER BY "Prefix" FOR UPDATE""");
            }
            await ExecuteAsync(db, """UPDATE "CustomerApiKeys" SET "LastUsedAt" = v.column2 FROM (VALUES """ + rows + """
                ) AS v
                WHERE "CustomerApiKeys"."Prefix" = v.column1
                    AND ("CustomerApiKeys"."LastUsedAt" IS NULL OR "CustomerApiKeys"."LastUsedAt" < v.column2)
                """, values);
        }
    }

    /// <summary>
    /// <paramref name="count"/> rows of <paramref name="width"/> placeholders, numbered in order: <c>?1</c> on SQLite
    /// (bound by position), <c>{0}</c> on PostgreSQL (EF Core's parameters). Only placeholders go into the text.
    /// </summary>
    private static string Rows(FrontierDbContext db, int count, int width)
    {
        var sqlite = !db.Database.IsNpgsql();
        var text = new StringBuilder();
        for (var row = 0; row < count; row++)
        {
            text.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < width; column++)
            {
                var n = row * width + column;
                text.Append(column == 0 ? "" : ", ").Append(sqlite ? $"?{n + 1}" : $"{{{n}}}");
            }
            text.Append(')');
        }
        return text.ToString();
    }

    private static Task ExecuteAsync(FrontierDbContext db, string sql, List<object> values)
    {
        if (db.Database.IsNpgsql())
        {
            return db.Database.ExecuteSqlRawAsync(sql, values);
        }
        PreparedInsert.ExecuteOnSqlite(db, sql, values!);
        return Task.CompletedTask;
    }
}
