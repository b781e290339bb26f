using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FrontierGateway.Gateway.Health;

/// <summary>
/// The request path has a whole snapshot to read: healthy; degraded (still ready) while the host listens before its
/// first whole read has ended, reading each key not read yet on its first call, unless that read has failed
/// <see cref="FailuresUnhealthy"/> times; else unhealthy. Degraded too while a committed change's refresh has failed
/// and the host has not caught up with the change journal since.
/// </summary>
internal sealed class SnapshotHealthCheck(SnapshotStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.IsLoaded && store.RefreshFailed
                ? HealthCheckResult.Degraded("A committed change could not be applied to this host's snapshot; it is catching up with the change journal.")
            : store.IsLoaded ? HealthCheckResult.Healthy()
            : store.IsWarming && store.FirstReadFailures < FailuresUnhealthy
                ? HealthCheckResult.Degraded("The snapshot's first whole read is running; a key not read yet is read from the database on its first call.")
            : store.IsWarming ? HealthCheckResult.Unhealthy($"The snapshot's first whole read has failed {store.FirstReadFailures} times; it is tried again.")
            : HealthCheckResult.Unhealthy("The snapshot is not loaded yet."));

    /// <summary>A host whose first whole read keeps failing is taken out of rotation, though it could serve.</summary>
    internal const int FailuresUnhealthy = 3;
}
