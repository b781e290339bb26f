using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Portal.Overview;

/// <summary>
/// How far a new workspace is on the way to its first call: the first group (the oldest live one), whether any group
/// has a limit, whether any key was minted, whether any call was metered, and a slug to call.
/// </summary>
public sealed record FirstSteps(string? GroupId, string? GroupName, bool HasLimits, bool HasKey, bool HasCall, string Slug)
{
    public bool Done => HasCall;

    /// <summary>Reads the steps, one short-lived context.</summary>
    public static async Task<FirstSteps> ReadAsync(IDbContextFactory<FrontierDbContext> dbFactory, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await db.Groups.AsNoTracking().OrderBy(g => g.CreatedAt).ThenBy(g => g.Id)
            .Select(g => new { g.Id, Name = g.Name ?? g.ExternalEntityId }).FirstOrDefaultAsync(ct);
        var slug = group is null ? null
            : await db.GroupModels.Where(m => m.GroupId == group.Id).OrderBy(m => m.Id).Select(m => m.Slug).FirstOrDefaultAsync(ct);
        slug ??= await db.Endpoints.OrderBy(e => e.Slug).Select(e => e.Slug).FirstOrDefaultAsync(ct);
        return new FirstSteps(group?.Id, group?.Name,
            await db.ModelLimits.AnyAsync(ct),
            await db.CustomerApiKeys.IgnoreQueryFilters().AnyAsync(ct),
            await db.UsageEvents.AnyAsync(ct),
            slug ?? "your-org/your-model");
    }
}
