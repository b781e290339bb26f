using System.Text;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Limits;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Writes the in-memory totals back to their tables, in the caller's unit of work: a few statements a batch however
/// many groups and keys it touched (each a statement of its own cost the writer ~1.5 statements a call once calls
/// came from 100 groups).
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
            var values = new List<object>(chunk.Length * 6);
            var rows = new StringBuilder();
            foreach (var (key, value) in chunk)
            {
                var at = values.Count;
                rows.Append(rows.Length == 0 ? "" : ", ")
                    .Append($"({{{at}}}, {{{at + 1}}}, {{{at + 2}}}, {{{at + 3}}}, {{{at + 4}}}, {{{at + 5}}})");
                values.AddRange([key.GroupId, key.Slug, key.Type.ToString(), key.Day, value, now]);
            }
            // Only placeholders are put into the text; every value is a parameter.
            var sql = """INSERT INTO "DailyUsage" ("GroupId", "Slug", "Type", "Day", "Value", "UpdatedAt") VALUES """ + rows + """

                ON CONFLICT ("GroupId", "Slug", "Type", "Day") DO UPDATE SET
                    "Value" = CASE WHEN excluded."Value" > "DailyUsage"."Value" THEN excluded."Value" ELSE "DailyUsage"."Value" END,
                    "UpdatedAt" = excluded."UpdatedAt"
                """;
            await db.Database.ExecuteSqlRawAsync(sql, values);
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
            var values = new List<object>(chunk.Length * 2);
            var rows = new StringBuilder();
            foreach (var (prefix, at) in chunk)
            {
                rows.Append(rows.Length == 0 ? "" : ", ").Append($"({{{values.Count}}}, {{{values.Count + 1}}})");
                values.AddRange([prefix, at]);
            }
            // Only placeholders are put into the text; every value is a parameter.
            var list = rows.ToString();
            if (db.Database.IsNpgsql())
            {
                var locks = """SELECT 1 FROM "CustomerApiKeys" WHERE "Prefix" IN (SELECT column1 FROM (VALUES """ + list
                    + """) AS l) ORDER BY "Prefix" FOR UPDATE""";
                await db.Database.ExecuteSqlRawAsync(locks, values);
            }
            var sql = """UPDATE "CustomerApiKeys" SET "LastUsedAt" = v.column2 FROM (VALUES """ + list + """
                ) AS v
                WHERE "CustomerApiKeys"."Prefix" = v.column1
                    AND ("CustomerApiKeys"."LastUsedAt" IS NULL OR "CustomerApiKeys"."LastUsedAt" < v.column2)
                """;
            await db.Database.ExecuteSqlRawAsync(sql, values);
        }
    }
}
