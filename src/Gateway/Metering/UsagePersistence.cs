using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Metering;

/// <summary>Writes the in-memory totals back to their tables, in the caller's unit of work.</summary>
internal static class UsagePersistence
{
    public static async Task SaveDailyAsync(FrontierDbContext db, IReadOnlyList<KeyValuePair<DailyKey, long>> totals, DateTime now)
    {
        foreach (var (key, value) in totals)
        {
            var row = await db.DailyUsage.FindAsync(key.GroupId, key.Slug, key.Type, key.Day);
            if (row is null)
            {
                db.DailyUsage.Add(new DailyUsage
                {
                    GroupId = key.GroupId, Slug = key.Slug, Type = key.Type, Day = key.Day, Value = value, UpdatedAt = now,
                });
            }
            else
            {
                row.Value = Math.Max(row.Value, value);
                row.UpdatedAt = now;
            }
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
