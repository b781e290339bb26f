using FrontierGateway.Gateway.Metering.Journal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FrontierGateway.Gateway.Health;

/// <summary>
/// Degraded (still ready) while no usage journal segment can be made, a full disk: calls are served and metered, but
/// once the current segment is full their lines are skipped, and a crash would lose the events not yet stored.
/// </summary>
internal sealed class JournalHealthCheck(UsageJournal journal) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(journal.Failing
            ? HealthCheckResult.Degraded("No usage journal segment can be made (is the disk full?); calls are served, with less crash protection.")
            : HealthCheckResult.Healthy());
}
