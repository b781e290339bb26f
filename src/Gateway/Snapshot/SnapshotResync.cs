using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// The safety net under the change bus: every <c>Gateway:ResyncSeconds</c> the snapshot catches up with the change
/// journal, so a change whose notification never arrived (Redis pub/sub delivers at most once; a host may be cut off
/// from it, or share the database with no bus at all) is in force on every host within that time all the same. Every
/// <c>Gateway:FullResyncMinutes</c> it is read again whole instead, for what was written around the services.
/// </summary>
internal sealed partial class SnapshotResync(SnapshotStore snapshots, IOptions<GatewayOptions> options, TimeProvider time,
    ILogger<SnapshotResync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.ResyncSeconds);
        var whole = TimeSpan.FromMinutes(options.Value.FullResyncMinutes);
        using var timer = new PeriodicTimer(every, time);
        var lastWhole = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    // A tick lands within one period of the whole read's time, not a period after it.
                    if (time.GetElapsedTime(lastWhole) + every / 2 >= whole)
                    {
                        await snapshots.ReloadAsync(stoppingToken);
                        lastWhole = time.GetTimestamp();
                    }
                    else
                    {
                        await snapshots.CatchUpAsync(stoppingToken);
                    }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catching up with the change journal failed; the current snapshot stays until the next resync.")]
    private static partial void LogResyncFailed(ILogger logger, Exception e);
}
