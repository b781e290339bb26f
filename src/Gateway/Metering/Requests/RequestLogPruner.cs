using FrontierGateway.Data;
using FrontierGateway.Data.Leases;
using FrontierGateway.Gateway.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering.Requests;

/// <summary>
/// Hourly, deletes request log rows older than <see cref="RequestLogOptions.RetentionHours"/>; with several hosts, the
/// one holding the lease <see cref="LeaseName"/> for the hour does (as <c>RetentionPruner</c> for deliveries).
/// </summary>
internal sealed class RequestLogPruner(IDbContextFactory<FrontierDbContext> dbFactory, JobLeases leases,
    IOptions<RequestLogOptions> options, TimeProvider time, ILogger<RequestLogPruner> logger)
    : HourlyLeasedJob(leases, time, logger)
{
    public const string LeaseName = "request-log-pruner";

    protected override string Lease => LeaseName;

    protected override string What => "request log rows";

    /// <summary>Deletes the rows past the retention (through the Timestamp index); answers how many went.</summary>
    internal override async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = Time.GetUtcNow().UtcDateTime.AddHours(-options.Value.RetentionHours);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RequestLog.Where(e => e.Timestamp < cutoff).ExecuteDeleteAsync(ct);
    }
}
