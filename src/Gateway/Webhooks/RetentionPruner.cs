using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Leases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Webhooks;

/// <summary>
/// Hourly, removes delivered deliveries and their events older than the retention; with several hosts, the one that
/// holds the lease <see cref="LeaseName"/> for the hour does.
/// </summary>
internal sealed partial class RetentionPruner(IDbContextFactory<FrontierDbContext> dbFactory, JobLeases leases,
    IOptions<WebhookOptions> options, TimeProvider time, ILogger<RetentionPruner> logger) : BackgroundService
{
    public const string LeaseName = "retention-pruner";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            do
            {
                try
                {
                    if (!await leases.TryHoldAsync(LeaseName, TimeSpan.FromMinutes(55), stoppingToken))
                    {
                        continue;
                    }
                    var removed = await PruneAsync(stoppingToken);
                    if (removed > 0)
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

    /// <summary>Deletes what is past the retention; returns how many deliveries went.</summary>
    internal async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await PrunableEvents(db, cutoff).ExecuteDeleteAsync(ct);
        return await OldDeliveries(db, cutoff).ExecuteDeleteAsync(ct);
    }

    private static IQueryable<WebhookDelivery> OldDeliveries(FrontierDbContext db, DateTime cutoff) =>
        db.WebhookDeliveries.Where(d => d.Status == DeliveryStatus.Delivered && d.DeliveredAt < cutoff);

    /// <summary>
    /// The events of <see cref="OldDeliveries"/>, as <c>DeliveryId IN (SELECT ...)</c>, which reaches them through
    /// the DeliveryId index. (Written as <c>Any</c> it became a correlated <c>EXISTS</c> that scans every event:
    /// 1.4 s for 7 million on each run.)
    /// </summary>
    internal static IQueryable<UsageEvent> PrunableEvents(FrontierDbContext db, DateTime cutoff) =>
        db.UsageEvents.Where(e => OldDeliveries(db, cutoff).Select(d => (string?)d.Id).Contains(e.DeliveryId));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning delivered webhook deliveries failed; the next pass tries again.")]
    private static partial void LogPruneFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} delivered webhook deliveries past the retention.")]
    private static partial void LogPruned(ILogger logger, int count);
}
