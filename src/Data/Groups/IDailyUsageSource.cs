using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Groups;

/// <summary>Where today's usage is read from: the live counters when the data plane runs, else the database.</summary>
public interface IDailyUsageSource
{
    Task<long?> ReadAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct);
}

internal sealed class DatabaseDailyUsageSource(IDbContextFactory<FrontierDbContext> dbFactory) : IDailyUsageSource
{
    public async Task<long?> ReadAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.DailyUsage.AsNoTracking()
            .Where(u => u.GroupId == groupId && u.Slug == slug && u.Type == type && u.Day == day)
            .Select(u => (long?)u.Value).FirstOrDefaultAsync(ct);
    }
}
