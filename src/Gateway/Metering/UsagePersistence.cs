using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Metering;

/// <summary>Writes the in-memory totals back to their tables, in the caller's unit of work.</summary>
internal static class UsagePersistence
{
    /// <summary>
    /// Stores each counter's total, keeping the larger of the stored and the given one. One upsert per counter, in key
    /// order: several hosts write the same counters, and an insert-or-update read first would let two of them insert
    /// the same row (a duplicate-key failure of the whole batch); the fixed order keeps their row locks from deadlocking.
    /// The same statement runs on SQLite and PostgreSQL.
    /// </summary>
    public static async Task SaveDailyAsync(FrontierDbContext db, IReadOnlyList<KeyValuePair<DailyKey, long>> totals, DateTime now)
    {
        foreach (var (key, value) in totals.OrderBy(t => t.Key.GroupId, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Slug, StringComparer.Ordinal).ThenBy(t => t.Key.Type).ThenBy(t => t.Key.Day))
        {
            var type = key.Type.ToString();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "DailyUsage" ("GroupId", "Slug", "Type", "Day", "Value", "UpdatedAt")
                VALUES ({key.GroupId}, {key.Slug}, {type}, {key.Day}, {value}, {now})
                ON CONFLICT ("GroupId", "Slug", "Type", "Day") DO UPDATE SET
                    "Value" = CASE WHEN excluded."Value" > "DailyUsage"."Value" THEN excluded."Value" ELSE "DailyUsage"."Value" END,
                    "UpdatedAt" = excluded."UpdatedAt"
                """);
        }
    }

    public static async Task SaveLastUsedAsync(FrontierDbContext db, IReadOnlyDictionary<string, DateTime> used)
    {
        if (used.Count == 0)
        {
            return;
        }
        var prefixes = used.Keys.ToList();
        // A key revoked since the call still records when it was last used.
        var keys = await db.CustomerApiKeys.IgnoreQueryFilters().Where(k => prefixes.Contains(k.Prefix)).ToListAsync();
        foreach (var key in keys)
        {
            // Every host writes its own keys' use: a host whose batch is older than another's must not move it back.
            if (key.LastUsedAt is not { } stored || stored < used[key.Prefix])
            {
                key.LastUsedAt = used[key.Prefix];
            }
        }
    }
}
