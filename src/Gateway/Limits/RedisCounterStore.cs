using System.Runtime.CompilerServices;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Logging;
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
/// <remarks>
/// A settle is held back until the next admission on the same tree takes it along in its own script, or for at most
/// <see cref="RedisSettlements.DefaultDelay"/> (<see cref="RedisSettlements"/>): a call then costs Redis one script.
/// </remarks>
internal sealed partial class RedisCounterStore : ICounterStore, IAsyncDisposable
{
    private readonly IConnectionMultiplexer redis;
    private readonly RedisDailyTotals daily;
    private readonly IGroupRoots roots;
    private readonly ILogger<RedisCounterStore> logger;

    /// <summary>A sixtieth of the reservations' lifetime, in microseconds: the segment of a DAY counter's reservations.</summary>
    private readonly long reservationSegment;

    private readonly ConditionalWeakTable<SlugPolicy, RedisPolicy> prepared = [];
    private readonly RedisSettlements settlements;

    /// <summary>
    /// Redis has answered the settle script by its SHA since it last lost its scripts (as an admission learns), so a
    /// settle is sent without waiting for its answer (<see cref="RedisScript.SendAsync"/>).
    /// </summary>
    private volatile bool settleKnown;

    public RedisCounterStore(IConnectionMultiplexer redis, RedisDailyTotals daily, IGroupRoots roots,
        IOptions<LimitsOptions> options, ILogger<RedisCounterStore> logger)
    {
        (this.redis, this.daily, this.roots, this.logger) = (redis, daily, roots, logger);
        reservationSegment = options.Value.ReservationTtl.Ticks / 60 / TimeSpan.TicksPerMicrosecond;
        settlements = new RedisSettlements(WriteHeldAsync);
    }

    /// <summary>
    /// Tests only: what each call adds to Redis's clock, read as the call is sent, so that a test can move the store's
    /// time (past midnight UTC too). Unset in a host.
    /// </summary>
    internal Func<TimeSpan>? ClockOffset { get; set; }

    /// <summary>Tests only: how long a settle waits for the tree's next admission (<see cref="RedisSettlements.DefaultDelay"/>).</summary>
    internal TimeSpan SettleDelay
    {
        get => settlements.Delay;
        set => settlements.Delay = value;
    }

    private long OffsetMicroseconds => ClockOffset is { } offset ? offset().Ticks / TimeSpan.TicksPerMicrosecond : 0;

    public async ValueTask<Admission> TryAdmitAsync(SlugPolicy policy, string keyPrefix, long tokens, DateTime now,
        CancellationToken ct = default)
    {
        var keys = Prepared(policy);
        var (reply, carried) = await settlements.Send(keys.Root, (Store: this, Keys: keys, Prefix: keyPrefix, Tokens: tokens),
            static (carried, call) => call.Store.AdmitAsync(call.Keys, call.Prefix, call.Tokens, carried));
        if (carried is not null)
        {
            Touch(carried);
        }
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
    /// Held back for the tree's next admission (<see cref="RedisSettlements"/>), unless the call used more tokens than
    /// it reserved and a SECOND or MINUTE window limits them: that excess counts from now, so it is sent at once, after
    /// whatever the tree holds. The day the tokens count on is Redis's when they are written: the host's day and the
    /// reservation's are both noted for the hand-over to the database, which around midnight covers either.
    /// </remarks>
    public async ValueTask SettleAsync(SlugPolicy policy, Reservation reservation, long tokens, DateTime now,
        CancellationToken ct = default)
    {
        if (reservation.Tokens == 0 && tokens == 0)
        {
            return;
        }
        var keys = Prepared(policy);
        var at = (reservation.At - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        var settlement = new PendingSettlement(keys, tokens, reservation.Tokens, at, DateOnly.FromDateTime(now),
            reservation.At == default ? null : DateOnly.FromDateTime(reservation.At));
        if (tokens > reservation.Tokens && keys.HasTokenWindows)
        {
            await settlements.Send(keys.Root, (Store: this, Settlement: settlement), static (held, call) =>
            {
                var calls = held ?? [];
                calls.Add(call.Settlement);
                return call.Store.WriteAsync(calls);
            });
        }
        else
        {
            settlements.Add(settlement);
        }
    }

    public async ValueTask<bool> IsRevokedAsync(GroupPolicy group, string keyPrefix, CancellationToken ct = default) =>
        await redis.GetDatabase().KeyExistsAsync([RedisCounterKeys.RevokedKey(group.RootGroupId, keyPrefix),
            RedisCounterKeys.RevokedGroup(group.RootGroupId, group.Id)]) > 0;

    /// <summary>Sends the admission script, taking the tree's held settlements along, and answers its reply.</summary>
    private async Task<(long[] Reply, List<PendingSettlement>? Carried)> AdmitAsync(RedisPolicy keys, string keyPrefix, long tokens,
        List<PendingSettlement>? carried)
    {
        var revoked = RedisCounterKeys.RevokedKey(keys.Root, keyPrefix);
        RedisKey[] scriptKeys;
        RedisValue[] arguments;
        if (carried is null)
        {
            scriptKeys = [.. keys.AdmitKeys, revoked];
            arguments = [OffsetMicroseconds, reservationSegment, tokens, 0, .. keys.AdmitArguments];
        }
        else
        {
            var keyList = new List<RedisKey>(keys.AdmitKeys.Length + 8);
            var argumentList = new List<RedisValue>(keys.AdmitArguments.Length + 16) { OffsetMicroseconds, reservationSegment, tokens };
            RedisSettlements.Append(carried, keyList, argumentList);
            keyList.AddRange(keys.AdmitKeys);
            keyList.Add(revoked);
            argumentList.AddRange(keys.AdmitArguments);
            scriptKeys = [.. keyList];
            arguments = [.. argumentList];
        }
        var reply = await CounterScripts.Admit.EvaluateAsync(redis.GetDatabase(), scriptKeys, arguments, () => settleKnown = false);
        return ((long[])reply!, carried);
    }

    /// <summary>The tree's held settlements are written first, so that the read counts them.</summary>
    public async ValueTask<long?> ReadDailyAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct = default)
    {
        if (roots.RootOf(groupId) is not { } root)
        {
            return null;
        }
        await settlements.Send(root, this, static (held, store) => held is null ? Task.CompletedTask : store.WriteAsync(held));
        var total = await redis.GetDatabase().HashGetAsync(RedisCounterKeys.Of(root, groupId, slug, type, LimitUnit.Day),
            RedisCounterKeys.Field(day));
        return total.HasValue ? (long)total : null;
    }

    /// <summary>Tests only: writes the settlements held back now, as the next admission of their tree would.</summary>
    internal Task FlushAsync() => settlements.FlushAsync();

    /// <summary>Writes what the store holds: the host is stopping.</summary>
    public ValueTask DisposeAsync() => settlements.DisposeAsync();

    private RedisPolicy Prepared(SlugPolicy policy) => prepared.GetValue(policy, static p => new RedisPolicy(p));

    /// <summary>Writes settlements in a script of their own, without waiting for Redis's answer once it knows the script.</summary>
    private async Task WriteAsync(List<PendingSettlement> calls)
    {
        var keys = new List<RedisKey>();
        var arguments = new List<RedisValue> { OffsetMicroseconds, reservationSegment };
        RedisSettlements.Append(calls, keys, arguments);
        if (settleKnown)
        {
            await CounterScripts.Settle.SendAsync(redis.GetDatabase(), [.. keys], [.. arguments]);
        }
        else
        {
            await CounterScripts.Settle.EvaluateAsync(redis.GetDatabase(), [.. keys], [.. arguments]);
            settleKnown = true;
        }
        Touch(calls);
    }

    /// <summary>The settlements no admission took along in time (<see cref="RedisSettlements"/>); never throws.</summary>
    private async Task WriteHeldAsync(List<PendingSettlement> calls)
    {
        try
        {
            await WriteAsync(calls);
        }
        catch (Exception e)
        {
            // Redis down (or a bug): the reservations leave their windows, and on a DAY counter count as used when they
            // lapse (CounterScripts), as a dead host's do.
            LogWriteFailed(logger, e, calls.Count, calls[0].Policy.Root);
        }
    }

    /// <summary>Notes the TOKEN day counters the settlements counted on, for the hand-over to the database.</summary>
    private void Touch(List<PendingSettlement> calls)
    {
        foreach (var call in calls)
        {
            if (call.Tokens > 0)
            {
                var policy = call.Policy.Policy;
                daily.Touch(policy.RootGroupId, policy.DailyGroups, policy.Slug, LimitType.Token, call.Day);
                if (call.ReservedDay is { } reserved && reserved != call.Day)
                {
                    daily.Touch(policy.RootGroupId, policy.DailyGroups, policy.Slug, LimitType.Token, reserved);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Writing {Count} settled calls of tree {Root} to Redis failed: their reservations count until they leave their windows.")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, int count, string root);
}
