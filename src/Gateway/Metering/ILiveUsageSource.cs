namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Where the portal's live view is read from: <see cref="LiveUsage"/> when the host runs alone, the sum over every
/// host (<see cref="RedisLiveUsage"/>) when several share a Redis. Reads are memory only, never a network call.
/// </summary>
public interface ILiveUsageSource
{
    /// <summary>
    /// The <paramref name="seconds"/> complete seconds before now (at most <see cref="LiveUsage.HistorySeconds"/>) of
    /// the workspace, or of the filter's group, slug or both.
    /// </summary>
    LiveView Query(LiveFilter filter, int seconds);
}
