using System.Runtime.CompilerServices;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// The counter store several hosts share (<c>Limits:Store=Redis</c>): one Lua script a call (<see cref="CounterScripts"/>)
/// checks every counter of the caller's chain and counts on all of them or none, so N concurrent calls against a
/// REQUEST limit of K admit exactly K across every host. The clock is Redis's own (TIME inside the script), so hosts
/// whose clocks disagree still share one window: the <c>now</c> arguments of <see cref="ICounterStore"/> are ignored.
/// The same script refuses a caller whose key or group carries a revocation marker (<see cref="RedisRevocations"/>),
/// so a key revoked through one host is refused by every host on its next request, whatever their snapshots say.
/// </summary>
internal sealed class RedisCounterStore(IConnectionMultiplexer redis, RedisDailyTotals daily, IGroupRoots roots,
    IOptions<LimitsOptions> options) : ICounterStore
{
    /// <summary>A sixtieth of the reservations' lifetime, in microseconds: the segment of a DAY counter's reservations.</summary>
    private readonly long reservationSegment = options.Value.ReservationTtl.Ticks / 60 / TimeSpan.TicksPerMicrosecond;

    private readonly ConditionalWeakTable<SlugPolicy, RedisPolicy> prepared = [];

    /// <summary>
    /// Redis has answered the settle script by its SHA since it last lost its scripts (as an admission learns), so a
    /// settle is sent without waiting for its answer (<see cref="RedisScript.SendAsync"/>).
    /// </summary>
    private volatile bool settleKnown;

    /// <summary>
    /// Tests only: what each call adds to Redis's clock, read as the call is sent, so that a test can move the store's
    /// time (past midnight UTC too). Unset in a host.
    /// </summary>
    internal Func<TimeSpan>? ClockOffset { get; set; }

    private long OffsetMicroseconds => ClockOffset is { } offset ? offset().Ticks / TimeSpan.TicksPerMicrosecond : 0;

    public async ValueTask<Admission> TryAdmitAsync(SlugPolicy policy, string keyPrefix, long tokens, DateTime now,
        CancellationToken ct = default)
    {
        var keys = prepared.GetValue(policy, p => new RedisPolicy(p));
        var reply = (long[])(await CounterScripts.Admit.EvaluateAsync(redis.GetDatabase(),
            [.. keys.AdmitKeys, RedisCounterKeys.RevokedKey(keys.Root, keyPrefix)],
            [OffsetMicroseconds, reservationSegment, tokens, .. keys.AdmitArguments], () => settleKnown = false))!;
        if (reply[0] < 0)
        {
            return Admission.Revoked;
        }
        if (reply[0] > 0)
        {
            return new Admission(policy.Rules[reply[0] - 1], TimeSpan.FromMicroseconds(reply[1]), null, null);
        }
        daily.Touch(policy.RootGroupId, policy.DailyGroups, policy.Slug, LimitType.Request, RedisCounterKeys.Day(reply[2]));
        return new Admission(null, TimeSpan.Zero, Headroom(policy, reply.AsSpan(3)), Headroom(policy, reply.AsSpan(6)))
        {
            Reservation = new Reservation(tokens, DateTime.UnixEpoch.AddTicks(reply[9] * TimeSpan.TicksPerMicrosecond)),
        };
    }

    /// <summary>The tightest rule of one type as the script answers it: its 1-based index, remaining and reset.</summary>
    private static Headroom? Headroom(SlugPolicy policy, ReadOnlySpan<long> tightest) => tightest[0] > 0
        ? new Headroom(policy.Rules[tightest[0] - 1], tightest[1], TimeSpan.FromMicroseconds(tightest[2]))
        : null;

    /// <remarks>
    /// Sent without waiting for Redis's answer once the script is known there: Redis runs it before anything this host
    /// sends next (the next call of the same client included), and the request it ends is not held up by a round trip.
    /// The day its tokens count on is Redis's at that moment: the host's day and the reservation's are both noted for
    /// the hand-over to the database, which around midnight covers either.
    /// </remarks>
    public async ValueTask SettleAsync(SlugPolicy policy, Reservation reservation, long tokens, DateTime now,
        CancellationToken ct = default)
    {
        if (reservation.Tokens == 0 && tokens == 0)
        {
            return;
        }
        var keys = prepared.GetValue(policy, p => new RedisPolicy(p));
        var at = (reservation.At - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        RedisValue[] arguments = [OffsetMicroseconds, reservationSegment, tokens, reservation.Tokens, at, .. keys.SettleArguments];
        if (settleKnown)
        {
            await CounterScripts.Settle.SendAsync(redis.GetDatabase(), keys.SettleKeys, arguments);
        }
        else
        {
            await CounterScripts.Settle.EvaluateAsync(redis.GetDatabase(), keys.SettleKeys, arguments);
            settleKnown = true;
        }
        if (tokens > 0)
        {
            var today = DateOnly.FromDateTime(now);
            var reserved = DateOnly.FromDateTime(reservation.At);
            daily.Touch(policy.RootGroupId, policy.DailyGroups, policy.Slug, LimitType.Token, today);
            if (reserved != today && reservation.At != default)
            {
                daily.Touch(policy.RootGroupId, policy.DailyGroups, policy.Slug, LimitType.Token, reserved);
            }
        }
    }

    public async ValueTask<long?> ReadDailyAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct = default)
    {
        if (roots.RootOf(groupId) is not { } root)
        {
            return null;
        }
        var total = await redis.GetDatabase().HashGetAsync(RedisCounterKeys.Of(root, groupId, slug, type, LimitUnit.Day),
            RedisCounterKeys.Field(day));
        return total.HasValue ? (long)total : null;
    }
}
