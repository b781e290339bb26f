using System.Data.Common;
using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FrontierGateway.Gateway.Health;

/// <summary>
/// Every migration this build knows is applied (<c>DatabaseInitializer</c> applies them at start-up; a database
/// restored from an older backup, or replaced under a running host, would have some pending).
/// </summary>
internal sealed class MigrationsHealthCheck(IDbContextFactory<FrontierDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        int pending;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        }
        catch (DbException)
        {
            // The database check says why; this one cannot tell.
            return HealthCheckResult.Unhealthy("The applied migrations could not be read.");
        }
        return pending == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{pending} migrations are not applied.");
    }
}
