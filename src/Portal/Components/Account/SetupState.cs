using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Portal.Components.Account;

/// <summary>Whether an admin exists yet; once true it stays true, so only a fresh install pays a query.</summary>
internal sealed class SetupState(IDbContextFactory<FrontierDbContext> dbFactory)
{
    private volatile bool hasAdmin;

    /// <summary>Serializes first-run setups, so that two forms sent at once cannot both create an admin.</summary>
    public SemaphoreSlim SetupLock { get; } = new(1, 1);

    public async Task<bool> HasAdminAsync(CancellationToken ct = default)
    {
        if (hasAdmin)
        {
            return true;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        hasAdmin = await (from ur in db.UserRoles
                          join r in db.Roles on ur.RoleId equals r.Id
                          where r.Name == PortalRoles.Admin
                          select ur).AnyAsync(ct);
        return hasAdmin;
    }
}
