using FrontierGateway.Data.Leases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Gateway.Jobs;

/// <summary>
/// A clean-up pass at start-up and then hourly, made by one host at a time: the one that holds the lease
/// <see cref="Lease"/> for the hour (55 minutes, so that the next hour's holder may be another). A pass that fails
/// (a database that is down or refuses the delete) is logged and the next hour's pass tries again; the host keeps serving.
/// </summary>
internal abstract partial class HourlyLeasedJob(JobLeases leases, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The clock of the job's hours and of its cut-off.</summary>
    protected TimeProvider Time { get; } = time;

    protected abstract string Lease { get; }

    /// <summary>What the job removes, for its log lines (e.g. "request log rows").</summary>
    protected abstract string What { get; }

    /// <summary>One pass; answers how many it removed.</summary>
    internal abstract Task<int> PruneAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), Time);
        try
        {
            do
            {
                try
                {
                    if (await leases.TryHoldAsync(Lease, TimeSpan.FromMinutes(55), stoppingToken)
                        && await PruneAsync(stoppingToken) is > 0 and var removed)
                    {
                        LogPruned(logger, removed, What);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPruneFailed(logger, e, What);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning {What} failed; the next hour's pass tries again.")]
    private static partial void LogPruneFailed(ILogger logger, Exception e, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} {What} past the retention.")]
    private static partial void LogPruned(ILogger logger, int count, string what);
}
