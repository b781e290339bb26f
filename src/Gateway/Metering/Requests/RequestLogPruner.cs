using FrontierGateway.Data;
using FrontierGateway.Data.Leases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering.Requests;

/// <summary>
/// Hourly, deletes request log rows older than <see cref="RequestLogOptions.RetentionHours"/>; with several hosts, the
/// one holding the lease <see cref="LeaseName"/> for the hour does (as <c>RetentionPruner</c> for deliveries).
/// </summary>
internal sealed partial class RequestLogPruner(IDbContextFactory<FrontierDbContext> dbFactory, JobLeases leases,
    IOptions<RequestLogOptions> options, TimeProvider time, ILogger<RequestLogPruner> logger) : BackgroundService
{
    public const string LeaseName = "request-log-pruner";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            do
            {
                try
                {
                    if (await leases.TryHoldAsync(LeaseName, TimeSpan.FromMinutes(55), stoppingToken)
                        && await PruneAsync(stoppingToken) is > 0 and var removed)
                    {
                        LogPruned(logger, removed);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The next hour's pass tries again; the host keeps serving.
                    LogPruneFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Deletes the rows past the retention (through the Timestamp index); answers how many went.</summary>
    internal async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddHours(-options.Value.RetentionHours);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RequestLog.Where(e => e.Timestamp < cutoff).ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning the request log failed; the next pass tries again.")]
    private static partial void LogPruneFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} request log rows past the retention.")]
    private static partial void LogPruned(ILogger logger, int count);
}
