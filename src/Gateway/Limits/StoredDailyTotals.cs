using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Limits;

/// <summary>The day totals the database holds (table <c>DailyUsage</c>): what the daily counters are rebuilt from.</summary>
internal static class StoredDailyTotals
{
    public static async Task<IReadOnlyList<KeyValuePair<DailyKey, long>>> OfAsync(FrontierDbContext db, DateOnly day, CancellationToken ct)
    {
        var rows = await db.DailyUsage.AsNoTracking().Where(u => u.Day == day).ToListAsync(ct);
        return rows.ConvertAll(r => KeyValuePair.Create(new DailyKey(r.GroupId, r.Slug, r.Type, r.Day), r.Value));
    }
}
