using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Metering;

/// <summary>Writes the in-memory totals back to their tables, in the caller's unit of work.</summary>
internal static class UsagePersistence
{
    /// <summary>
    /// Raises each day's row to its total, in one upsert a row: several hosts store the totals of one shared counter (the
    /// Redis store), and two first inserts of a row in the same instant must both succeed, or a host's whole batch of
    /// events would fail with the duplicate. A row never goes down (a host may hand over an older total than another's).
    /// </summary>
    public static async Task SaveDailyAsync(FrontierDbContext db, IReadOnlyList<KeyValuePair<DailyKey, long>> totals, DateTime now)
    {
        foreach (var (key, value) in totals)
        {
            // Type is stored by name (DailyUsageConfiguration); the SQL is the same on SQLite and PostgreSQL.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "DailyUsage" ("GroupId", "Slug", "Type", "Day", "Value", "UpdatedAt")
                VALUES ({key.GroupId}, {key.Slug}, {key.Type.ToString()}, {key.Day}, {value}, {now})
                ON CONFLICT ("GroupId", "Slug", "Type", "Day")
                DO UPDATE SET "Value" = excluded."Value", "UpdatedAt" = excluded."UpdatedAt" WHERE "DailyUsage"."Value" < excluded."Value"
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
