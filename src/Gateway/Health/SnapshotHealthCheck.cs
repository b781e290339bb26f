using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FrontierGateway.Gateway.Health;

/// <summary>
/// The request path has a whole snapshot to read: healthy; degraded (still ready) while the host listens before its
/// first whole read has ended, reading each key not read yet on its first call; else unhealthy.
/// </summary>
internal sealed class SnapshotHealthCheck(SnapshotStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.IsLoaded ? HealthCheckResult.Healthy()
            : store.IsWarming ? HealthCheckResult.Degraded("The snapshot's first whole read is running; a key not read yet is read from the database on its first call.")
            : HealthCheckResult.Unhealthy("The snapshot is not loaded yet."));
}
