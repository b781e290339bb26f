using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Leases;
using FrontierGateway.Data.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Webhooks;

/// <summary>
/// Turns stored usage events into deliveries while the webhook is enabled: at most
/// <see cref="WebhookOptions.BatchSize"/> events each, none waiting longer than the batch interval. A delivery
/// and the marking of its events are one transaction, so every event is in exactly one delivery. With several hosts
/// on one database it runs on one of them at a time (the lease <see cref="LeaseName"/>): two batchers reading the
/// same unbatched events would put them in two deliveries.
/// </summary>
internal sealed partial class WebhookBatcher(IDbContextFactory<FrontierDbContext> dbFactory, DeliveryQueue queue,
    JobLeases leases, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookBatcher> logger) : BackgroundService
{
    public const string LeaseName = "webhook-batcher";

    /// <summary>Renewed on every tick; another host takes over this long after the holder stops.</summary>
    private TimeSpan Lease => TimeSpan.FromMilliseconds(Math.Max(5_000, 5 * options.Value.BatchIntervalMs));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.BatchIntervalMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (!await leases.TryHoldAsync(LeaseName, Lease, stoppingToken))
                    {
                        continue;
                    }
                    // A backlog is batched while the lease is still held: renewed before each further batch, so that
                    // a long run does not outlast it and overlap the next holder's.
                    while (await BatchAsync(stoppingToken) == options.Value.BatchSize
                        && await leases.TryHoldAsync(LeaseName, Lease, stoppingToken))
                    {
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // A database that is down or refuses a write: the next tick tries again; the host keeps serving.
                    LogBatchFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Creates one delivery from the oldest unbatched events; returns how many it took.</summary>
    internal async Task<int> BatchAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ReadAsync(db, ct) is { } batch ? await ClaimAsync(db, batch, ct) : 0;
    }

    /// <summary>The oldest unbatched events and the delivery that would carry them; null when there is none to make.</summary>
    internal async Task<(List<UsageEvent> Events, WebhookDelivery Delivery)?> ReadAsync(FrontierDbContext db, CancellationToken ct)
    {
        if (await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(ct) is not { Enabled: true, Url: not null })
        {
            return null;
        }
        var events = await Unbatched(db, options.Value.BatchSize).AsNoTracking().ToListAsync(ct);
        if (events.Count == 0)
        {
            return null;
        }
        var delivery = WebhookService.NewDelivery(BillingEvent.Payload(events.Select(BillingEvent.From)), events.Count,
            time.GetUtcNow().UtcDateTime);
        return (events, delivery);
    }

    /// <summary>
    /// Stores the delivery and marks its events, in one transaction, only if none of them is in a delivery by now:
    /// another batcher (a host that took the lease over, or one whose clock runs ahead) may have batched some since
    /// they were read, and then this delivery is not made; returns how many events it took.
    /// </summary>
    internal async Task<int> ClaimAsync(FrontierDbContext db, (List<UsageEvent> Events, WebhookDelivery Delivery) batch,
        CancellationToken ct)
    {
        var (events, delivery) = batch;
        var keys = events.ConvertAll(e => e.IdempotencyKey);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        var marked = await db.UsageEvents.Where(e => keys.Contains(e.IdempotencyKey) && e.DeliveryId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.DeliveryId, delivery.Id), ct);
        if (marked != events.Count)
        {
            await transaction.RollbackAsync(ct);
            LogBatchedElsewhere(logger, events.Count - marked);
            return 0;
        }
        await transaction.CommitAsync(ct);
        queue.Wake();
        return events.Count;
    }

    /// <summary>The oldest events not yet in a delivery, read in order from the index of just those.</summary>
    internal static IQueryable<UsageEvent> Unbatched(FrontierDbContext db, int count) =>
        db.UsageEvents.Where(e => e.DeliveryId == null).OrderBy(e => e.Timestamp).ThenBy(e => e.IdempotencyKey).Take(count);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Count} usage events read for a webhook delivery were batched by another host meanwhile; the delivery was not made.")]
    private static partial void LogBatchedElsewhere(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Batching usage events into a webhook delivery failed.")]
    private static partial void LogBatchFailed(ILogger logger, Exception e);
}
