using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Leases;
using FrontierGateway.Gateway.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Webhooks;

/// <summary>
/// Hourly, removes the deliveries that are done (delivered, failed or dead) and their events, once the retention has
/// passed since their last attempt; with several hosts, the one that holds the lease <see cref="LeaseName"/> for the
/// hour does. A pending delivery is never removed, however old: it is still being tried.
/// </summary>
internal sealed class RetentionPruner(IDbContextFactory<FrontierDbContext> dbFactory, JobLeases leases,
    IOptions<WebhookOptions> options, TimeProvider time, ILogger<RetentionPruner> logger)
    : HourlyLeasedJob(leases, time, logger)
{
    public const string LeaseName = "retention-pruner";

    protected override string Lease => LeaseName;

    protected override string What => "finished webhook deliveries";

    /// <summary>Deliveries removed, with their events, in one statement each: bounded, so that a long backlog of them
    /// does not hold SQLite's write lock, which the usage writer and the batcher wait on, for one long delete.</summary>
    internal int Chunk { get; set; } = 100;

    /// <summary>Deletes what is past the retention, <see cref="Chunk"/> deliveries at a time; returns how many deliveries went.</summary>
    internal override async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = Time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var removed = 0;
        while (await OldDeliveries(db, cutoff).Select(d => d.Id).Take(Chunk).ToListAsync(ct) is { Count: > 0 } ids)
        {
            // Events first: a run cut off between the two leaves a delivery whose events are gone, which the next takes.
            await EventsOf(db, ids).ExecuteDeleteAsync(ct);
            // Checked again: a failed or dead one redelivered meanwhile is pending, and stays to be sent (its payload
            // holds its events).
            removed += await OldDeliveries(db, cutoff).Where(d => ids.Contains(d.Id)).ExecuteDeleteAsync(ct);
        }
        return removed;
    }

    /// <summary>
    /// Delivered ones from their delivery; failed and dead ones from their last attempt, which set that status (one
    /// redelivered and dead again is kept from its new last attempt).
    /// </summary>
    private static IQueryable<WebhookDelivery> OldDeliveries(FrontierDbContext db, DateTime cutoff) =>
        db.WebhookDeliveries.Where(d => (d.Status == DeliveryStatus.Delivered && d.DeliveredAt < cutoff)
            || ((d.Status == DeliveryStatus.Failed || d.Status == DeliveryStatus.Dead) && d.LastAttemptAt < cutoff));

    /// <summary>The events of the deliveries, reached through the DeliveryId index (not a scan of every event).</summary>
    internal static IQueryable<UsageEvent> EventsOf(FrontierDbContext db, List<string> deliveries) =>
        db.UsageEvents.Where(e => deliveries.Contains(e.DeliveryId!));
}
