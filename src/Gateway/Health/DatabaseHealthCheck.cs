using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FrontierGateway.Gateway.Health;

/// <summary>
/// The database answers a query, asked through the context factory every other caller uses, so it checks whichever
/// provider and connection string the host runs on (SQLite or PostgreSQL).
/// </summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<FrontierDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A round trip rather than Database.CanConnectAsync, which on SQLite only asks whether the file exists.
        // A failure throws: the health check service reports it unhealthy and logs the exception, which stays
        // out of the response (HealthResponse).
        await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
