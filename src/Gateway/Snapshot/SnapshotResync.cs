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
    /// <summary>The first wait after a failed resync; it doubles with each failure after it, up to the period.</summary>
    internal static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.ResyncSeconds);
        var whole = TimeSpan.FromMinutes(options.Value.FullResyncMinutes);
        var lastWhole = time.GetTimestamp();
        TimeSpan? retry = null;
        try
        {
            while (true)
            {
                // A change whose refresh failed (a revocation among them) is caught up with at once, not a period
                // later; after a failed resync, the next try waits its backoff whatever is signalled meanwhile.
                await WaitAsync(retry ?? every, retry is null ? snapshots.Behind : null, stoppingToken);
                snapshots.ClearBehind();
                // A tick lands within one period of the whole read's time, not a period after it.
                var wholeRead = time.GetElapsedTime(lastWhole) + every / 2 >= whole;
                try
                {
                    if (wholeRead)
                    {
                        await snapshots.ReloadAsync(stoppingToken);
                        lastWhole = time.GetTimestamp();
                    }
                    else
                    {
                        await snapshots.CatchUpAsync(stoppingToken);
                    }
                    retry = null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The current snapshot stays. A catch-up (a few rows) is tried again sooner than the period, then
                    // less and less soon; a whole read (seconds of the database at a million keys) a period later.
                    retry = wholeRead ? every : retry is { } last ? Min(2 * last, every) : Min(FirstRetry, every);
                    LogResyncFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WaitAsync(TimeSpan period, Task? signal, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(period, time, stop.Token);
        await (signal is null ? delay : Task.WhenAny(delay, signal));
        await stop.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catching up with the change journal failed; the current snapshot stays until the next try.")]
    private static partial void LogResyncFailed(ILogger logger, Exception e);
}
