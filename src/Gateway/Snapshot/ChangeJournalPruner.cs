using FrontierGateway.Data;
using FrontierGateway.Data.Leases;
using FrontierGateway.Gateway.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// Hourly, deletes the change journal's entries older than a day, or than two whole reads if they are further apart:
/// a host that could not catch up for that long reads its snapshot whole when the database is back, so it never needs
/// them. With several hosts, the one holding the lease <see cref="LeaseName"/> for the hour does.
/// </summary>
internal sealed class ChangeJournalPruner(IDbContextFactory<FrontierDbContext> dbFactory, JobLeases leases,
    IOptions<GatewayOptions> options, TimeProvider time, ILogger<ChangeJournalPruner> logger)
    : HourlyLeasedJob(leases, time, logger)
{
    public const string LeaseName = "change-journal-pruner";

    protected override string Lease => LeaseName;

    protected override string What => "change journal entries";

    /// <summary>How long an entry is kept.</summary>
    internal TimeSpan Retention => TimeSpan.FromMinutes(Math.Max(24 * 60, 2 * options.Value.FullResyncMinutes));

    internal override async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = Time.GetUtcNow().UtcDateTime - Retention;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Changes.Where(c => c.At < cutoff).ExecuteDeleteAsync(ct);
    }
}
