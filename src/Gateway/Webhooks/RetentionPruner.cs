using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Webhooks;

/// <summary>Hourly, removes delivered deliveries and their events older than the retention.</summary>
internal sealed partial class RetentionPruner(IDbContextFactory<FrontierDbContext> dbFactory,
    IOptions<WebhookOptions> options, TimeProvider time, ILogger<RetentionPruner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            do
            {
                var removed = await PruneAsync(stoppingToken);
                if (removed > 0)
                {
                    LogPruned(logger, removed);
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
        var old = db.WebhookDeliveries.Where(d => d.Status == DeliveryStatus.Delivered && d.DeliveredAt < cutoff);
        await db.UsageEvents.Where(e => old.Any(d => d.Id == e.DeliveryId)).ExecuteDeleteAsync(ct);
        return await old.ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} delivered webhook deliveries past the retention.")]
    private static partial void LogPruned(ILogger logger, int count);
}
