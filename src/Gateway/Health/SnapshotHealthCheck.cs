using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FrontierGateway.Gateway.Health;

/// <summary>The request path has a whole snapshot to read.</summary>
internal sealed class SnapshotHealthCheck(SnapshotStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.IsLoaded ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The snapshot is not loaded yet."));
}
