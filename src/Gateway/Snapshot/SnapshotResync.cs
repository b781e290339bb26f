using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// The safety net under the change bus: every <c>Gateway:ResyncSeconds</c> the snapshot is read again whole, so a
/// change whose notification never arrived (Redis pub/sub delivers at most once; a host may be cut off from it, or
/// share the database with no bus at all) is in force on every host within that time all the same.
/// </summary>
internal sealed partial class SnapshotResync(SnapshotStore snapshots, IOptions<GatewayOptions> options, TimeProvider time,
    ILogger<SnapshotResync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ResyncSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await snapshots.ReloadAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The current snapshot stays; the next tick tries again.
                    LogResyncFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the snapshot again failed; the current one stays until the next resync.")]
    private static partial void LogResyncFailed(ILogger logger, Exception e);
}
