using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Leases;
using FrontierGateway.Gateway.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Webhooks;

/// <summary>
/// Hourly, removes delivered deliveries and their events older than the retention; with several hosts, the one that
/// holds the lease <see cref="LeaseName"/> for the hour does.
/// </summary>
internal sealed class RetentionPruner(IDbContextFactory<FrontierDbContext> dbFactory, JobLeases leases,
    IOptions<WebhookOptions> options, TimeProvider time, ILogger<RetentionPruner> logger)
    : HourlyLeasedJob(leases, time, logger)
{
    public const string LeaseName = "retention-pruner";

    protected override string Lease => LeaseName;

    protected override string What => "delivered webhook deliveries";

    /// <summary>Deletes what is past the retention; returns how many deliveries went.</summary>
    internal override async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = Time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
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
}
