using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Health;

/// <summary>
/// <c>/healthz</c>: the process is alive (200 while it serves). <c>/readyz</c>: it can serve traffic: the database
/// answers, every migration is applied, the snapshot is loaded (the usage journal Degraded, still 200, while its disk is
/// full), and Redis answers when <c>Redis:Configuration</c> is
/// set. 503 when any of those fails. With <c>Limits:Store=Redis</c> a <c>limits</c> check too: while Redis is down it is
/// Degraded (still 200) when <c>Limits:RedisOutage</c> lets the host serve, and the Redis check with it; 503 under
/// <c>FailClosed</c>. Both are for load balancers and orchestrators: unauthenticated, and their
/// bodies name each check and its status only (<see cref="HealthResponse"/>).
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";


    private const string ReadyTag = "ready";

    /// <summary>
    /// A check that has not answered in this time is unhealthy: a probe must not hang on a dead server (the Redis
    /// client alone would wait its own 5 s for a connection).
    /// </summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        var checks = builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [ReadyTag], timeout: CheckTimeout)
            .AddCheck<SnapshotHealthCheck>("snapshot", tags: [ReadyTag])
            .AddCheck<JournalHealthCheck>("journal", tags: [ReadyTag]);
        if (builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() is { Enabled: true })
        {
            var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new();
            var sharedLimits = limits.ParsedStore == CounterStoreKind.Redis;
            // A host whose limits ride out a Redis outage (FailOpen, Degraded) still serves: Redis down is Degraded.
            var servesWithout = sharedLimits && limits.ParsedRedisOutage is not RedisOutagePolicy.FailClosed;
            // The host's own connection (RedisServiceExtensions), not a second one made from the configuration string.
            checks.AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), "redis",
                servesWithout ? HealthStatus.Degraded : HealthStatus.Unhealthy, tags: [ReadyTag], timeout: CheckTimeout);
            if (sharedLimits)
            {
                checks.AddCheck<LimitsHealthCheck>("limits", tags: [ReadyTag]);
            }
        }
        return builder;
    }

    /// <remarks>
    /// Short-circuited, like inference: routing answers them itself, so nothing after it runs: not the portal's
    /// first-run setup gate (which would redirect a fresh install's probe), not cookie authentication, not
    /// authorization or antiforgery, and no rate limiter. The inference limits apply to <c>/v1</c> calls only.
    /// </remarks>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync })
            .ShortCircuit();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponse.WriteAsync,
        }).ShortCircuit();
        return app;
    }
}
