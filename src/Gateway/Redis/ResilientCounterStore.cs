using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Gateway.Redis;

/// <summary>
/// The Redis counter store behind the circuit of <see cref="LimitsOutage"/>. While Redis answers, every call goes to it
/// unchanged. A call that finds it unreachable (<see cref="RedisFailure"/>: not a script's error, which still fails the
/// call) opens the circuit, and until it closes no call waits on Redis: each gets the answer of
/// <c>Limits:RedisOutage</c>, marked in <see cref="Admission.Mode"/> for the response. Every call admitted meanwhile,
/// and every call's tokens, are counted for Redis's day counters when it is back.
/// </summary>
internal sealed class ResilientCounterStore(RedisCounterStore redis, LimitsOutage outage) : ICounterStore
{
    private static readonly Admission Unavailable = new(null, LimitsOutage.RetryInterval, null, null) { Mode = LimitsMode.Unavailable };
    private static readonly Admission Open = new(null, TimeSpan.Zero, null, null) { Mode = LimitsMode.FailOpen };

    /// <remarks>
    /// Without Redis no tokens are reserved (<see cref="Reservation.None"/>): the local counters debit a call's tokens
    /// when it settles, and neither revocation markers nor other hosts' reservations can be seen.
    /// </remarks>
    public ValueTask<Admission> TryAdmitAsync(SlugPolicy policy, string keyPrefix, long tokens, DateTime now,
        CancellationToken ct = default) =>
        outage.Current is { } down ? AdmitWithoutRedisAsync(down, policy, keyPrefix, tokens, now, ct)
            : AdmitAsync(policy, keyPrefix, tokens, now, ct);

    private async ValueTask<Admission> AdmitAsync(SlugPolicy policy, string keyPrefix, long tokens, DateTime now, CancellationToken ct)
    {
        try
        {
            return await redis.TryAdmitAsync(policy, keyPrefix, tokens, now, ct);
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            return await AdmitWithoutRedisAsync(outage.Open(e), policy, keyPrefix, tokens, now, ct);
        }
    }

    private async ValueTask<Admission> AdmitWithoutRedisAsync(OutageCounters down, SlugPolicy policy, string keyPrefix,
        long tokens, DateTime now, CancellationToken ct)
    {
        Admission admission;
        switch (outage.Policy)
        {
            case RedisOutagePolicy.FailClosed:
                return Unavailable;
            case RedisOutagePolicy.FailOpen:
                admission = Open;
                break;
            default:
                admission = await down.AdmitAsync(policy, now);
                if (!admission.Admitted)
                {
                    return admission;
                }
                break;
        }
        // Redis came back between the look at the circuit and now: the call is counted there instead.
        return down.TryCount(policy, LimitType.Request, 1, DateOnly.FromDateTime(now))
            ? admission
            : await AdmitAsync(policy, keyPrefix, tokens, now, ct);
    }

    /// <remarks>
    /// Settled during an outage, a call's real tokens go to the outage's counts; a reservation it took in Redis before
    /// the outage is given back there when the outage ends (<see cref="OutageCounters.TrySettle"/>).
    /// </remarks>
    public async ValueTask SettleAsync(SlugPolicy policy, Reservation reservation, long tokens, DateTime now,
        CancellationToken ct = default)
    {
        // A few rounds at most: each ends in Redis, or in an outage's counts, unless the circuit turns in between.
        for (var round = 0; round < 3; round++)
        {
            if (outage.Current is { } down)
            {
                if (down.TrySettle(policy, reservation, tokens, DateOnly.FromDateTime(now)))
                {
                    await down.AddTokensAsync(policy, tokens, now);
                    return;
                }
                continue;
            }
            try
            {
                await redis.SettleAsync(policy, reservation, tokens, now, ct);
                return;
            }
            catch (Exception e) when (RedisFailure.IsOutage(e))
            {
                outage.Open(e);
            }
        }
    }

    /// <remarks>Without Redis, the snapshot alone answers (false here), as for inference calls.</remarks>
    public async ValueTask<bool> IsRevokedAsync(GroupPolicy group, string keyPrefix, CancellationToken ct = default)
    {
        if (outage.Current is null)
        {
            try
            {
                return await redis.IsRevokedAsync(group, keyPrefix, ct);
            }
            catch (Exception e) when (RedisFailure.IsOutage(e))
            {
                outage.Open(e);
            }
        }
        return false;
    }

    public async ValueTask<long?> ReadDailyAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct = default)
    {
        if (outage.Current is null)
        {
            try
            {
                return await redis.ReadDailyAsync(groupId, slug, type, day, ct);
            }
            catch (Exception e) when (RedisFailure.IsOutage(e))
            {
                outage.Open(e);
            }
        }
        return outage.Current is { } down ? await outage.ReadDailyAsync(down, new DailyKey(groupId, slug, type, day), ct) : null;
    }
}
