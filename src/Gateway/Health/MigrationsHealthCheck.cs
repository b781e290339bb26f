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
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        return pending == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{pending} migrations are not applied.");
    }
}
