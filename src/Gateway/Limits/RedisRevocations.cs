using FrontierGateway.Data;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// Revocations as the admission script of <see cref="RedisCounterStore"/> checks them (<c>Limits:Store=Redis</c>): a
/// marker per revoked key and per deleted group, in its tree's slot, written before the management API answers. So a
/// host whose snapshot still has the key (the change bus's message not there yet, or lost until the next resync)
/// refuses it all the same on its next request.
/// </summary>
internal sealed partial class RedisRevocations(IConnectionMultiplexer redis, IGroupRoots roots, ILogger<RedisRevocations> logger)
    : IRevocations
{
    /// <summary>
    /// How long a marker stays: far beyond the time every snapshot takes to learn of the change (the bus at once, the
    /// resync every <c>Gateway:ResyncSeconds</c>), after which the snapshots refuse the key themselves.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    public async Task RecordAsync(IReadOnlyList<RevokedKey> keys, IReadOnlyList<string> groupIds, CancellationToken ct = default)
    {
        // The roots come from this host's snapshot, which has the groups until the change is published.
        var markers = new List<RedisKey>(keys.Count + groupIds.Count);
        foreach (var key in keys)
        {
            if (roots.RootOf(key.GroupId) is { } root)
            {
                markers.Add(RedisCounterKeys.RevokedKey(root, key.Prefix));
            }
        }
        foreach (var group in groupIds)
        {
            if (roots.RootOf(group) is { } root)
            {
                markers.Add(RedisCounterKeys.RevokedGroup(root, group));
            }
        }
        var db = redis.GetDatabase();
        try
        {
            // Sent together, so the writes share one round trip.
            await Task.WhenAll(markers.Select(m => db.StringSetAsync(m, 1, new Expiration(Lifetime))));
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            LogRecordFailed(logger, e, markers.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Writing {Count} revocation markers to Redis failed: other hosts refuse the revoked keys once the change reaches their snapshots.")]
    private static partial void LogRecordFailed(ILogger logger, Exception e, int count);
}
