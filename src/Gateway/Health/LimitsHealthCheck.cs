using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FrontierGateway.Gateway.Health;

/// <summary>
/// The limits' shared counters (<c>Limits:Store=Redis</c>) are in use. While Redis is down the host still serves under
/// <c>FailOpen</c> and <c>Degraded</c>, so the check is Degraded (readiness stays 200: taking every host out of the
/// balancer would turn a Redis outage into a full one); under <c>FailClosed</c> it answers every call with a 503, so it
/// is not ready.
/// </summary>
internal sealed class LimitsHealthCheck(LimitsOutage outage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(outage.Current is null ? HealthCheckResult.Healthy()
            : outage.Policy == RedisOutagePolicy.FailClosed
                ? HealthCheckResult.Unhealthy("Redis cannot be reached: calls are refused (Limits:RedisOutage=FailClosed).")
                : HealthCheckResult.Degraded($"Redis cannot be reached: limits follow Limits:RedisOutage={outage.Policy}."));
}
