using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// The single-host counter store. One lock makes check-and-count atomic across every counter of a call,
/// so N concurrent calls against a REQUEST limit of K admit exactly K. Every answer is synchronous: the
/// <see cref="ValueTask"/>s it returns are already complete.
/// </summary>
/// <remarks>
/// A reservation is counted where the call's tokens will be: on a SECOND or MINUTE window at admission time, and on a
/// DAY counter in a window of its own, <see cref="SlidingWindow.Reservations"/>, kept apart from the day's total: if the
/// call never settles, the reservation moves into the day's total after <c>Limits:ReservationTtlSeconds</c> (the next
/// admission of the rule counts it as used), as the Redis store does for a host that died. The revocation check of
/// <see cref="ICounterStore.TryAdmitAsync"/> has nothing to do here: this host's snapshot is the only one.
/// </remarks>
internal sealed class InMemoryCounterStore(DailyTotals daily, IOptions<LimitsOptions> options) : ICounterStore
{
    private readonly Lock gate = new();
    private readonly TimeSpan reservationTtl = options.Value.ReservationTtl;

    /// <summary>Each rule's window: its SECOND or MINUTE window, or for a DAY TOKEN rule its reservations.</summary>
    private readonly Dictionary<CounterKey, SlidingWindow> windows = [];

    public ValueTask<Admission> TryAdmitAsync(SlugPolicy policy, string keyPrefix, long tokens, DateTime now,
        CancellationToken ct = default) =>
        ValueTask.FromResult(TryAdmit(policy, tokens, now));

    private Admission TryAdmit(SlugPolicy policy, long reserve, DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        (LimitRule? Rule, long Remaining) requests = (null, long.MaxValue), tokens = (null, long.MaxValue);
        (LimitRule? Rule, TimeSpan Wait) refused = (null, TimeSpan.Zero);
        lock (gate)
        {
            foreach (var rule in policy.Rules)
            {
                if (rule.Unit == LimitUnit.Day && rule.Type == LimitType.Token)
                {
                    TakeLapsed(policy, rule, now);
                }
                var used = rule.Unit != LimitUnit.Day ? Window(rule).Sum(now)
                    : (daily.Read(rule.Counter.GroupId, policy.Slug, rule.Type, today) ?? 0)
                        + (rule.Type == LimitType.Token ? Window(rule).Sum(now) : 0);
                // A request needs room for itself; a call with no tokens to reserve, for one token.
                var asking = rule.Type == LimitType.Request ? 1 : reserve;
                if (used + Math.Max(asking, 1) > rule.Threshold)
                {
                    // Refused by the full rule that frees last: retrying once an earlier one frees would not help. A
                    // call larger than a whole threshold never fits, and says so at once.
                    var wait = RetryAfter(rule, now, asking);
                    if (asking > rule.Threshold)
                    {
                        return new Admission(rule, wait, null, null);
                    }
                    refused = refused.Rule is null || wait > refused.Wait ? (rule, wait) : refused;
                    continue;
                }
                var remaining = rule.Threshold - used - asking;
                if (rule.Type == LimitType.Request && remaining < requests.Remaining)
                {
                    requests = (rule, remaining);
                }
                else if (rule.Type == LimitType.Token && remaining < tokens.Remaining)
                {
                    tokens = (rule, remaining);
                }
            }
            if (refused.Rule is { } refusing)
            {
                return new Admission(refusing, refused.Wait, null, null);
            }
            foreach (var rule in policy.Rules)
            {
                if (rule.Type == LimitType.Request && rule.Unit != LimitUnit.Day)
                {
                    Window(rule).Add(now, 1);
                }
                else if (rule.Type == LimitType.Token && reserve > 0)
                {
                    Window(rule).Add(now, reserve);
                }
            }
            daily.Add(policy.DailyGroups, policy.Slug, LimitType.Request, 1, today);
            return new Admission(null, TimeSpan.Zero, Headroom(requests, now), Headroom(tokens, now))
            {
                Reservation = new Reservation(reserve, now),
            };
        }
    }

    private Headroom? Headroom((LimitRule? Rule, long Remaining) tightest, DateTime now) =>
        tightest.Rule is { } rule ? new Headroom(rule, tightest.Remaining, Wait(rule, now, 0)) : null;

    public ValueTask SettleAsync(SlugPolicy policy, Reservation reservation, long tokens, DateTime now, CancellationToken ct = default)
    {
        if (reservation.Tokens == 0 && tokens == 0)
        {
            return ValueTask.CompletedTask;
        }
        lock (gate)
        {
            foreach (var rule in policy.Rules)
            {
                if (rule.Type != LimitType.Token)
                {
                    continue;
                }
                var window = Window(rule);
                if (rule.Unit == LimitUnit.Day)
                {
                    // The day's total takes the real tokens below; the reservation leaves its own window, unless it
                    // lapsed already (a call longer than the reservations' lifetime): then it counted as used.
                    TakeLapsed(policy, rule, now);
                    window.Remove(reservation.At, reservation.Tokens);
                }
                else if (tokens < reservation.Tokens)
                {
                    // What was not used goes back where it was taken, unless it has already left the window.
                    window.Remove(reservation.At, reservation.Tokens - tokens);
                }
                else if (tokens > reservation.Tokens)
                {
                    window.Add(now, tokens - reservation.Tokens);
                }
            }
            if (tokens > 0)
            {
                daily.Add(policy.DailyGroups, policy.Slug, LimitType.Token, tokens, DateOnly.FromDateTime(now));
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> IsRevokedAsync(GroupPolicy group, string keyPrefix, CancellationToken ct = default) =>
        ValueTask.FromResult(false);

    public ValueTask<long?> ReadDailyAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct = default) =>
        ValueTask.FromResult(daily.Read(groupId, slug, type, day));

    /// <summary>Moves the rule's reservations never settled into its day total, as the Redis store does for a dead host.</summary>
    private void TakeLapsed(SlugPolicy policy, LimitRule rule, DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        if (Window(rule).TakeLapsed(now, today) is > 0 and var lapsed)
        {
            daily.Add([rule.Counter.GroupId], policy.Slug, LimitType.Token, lapsed, today);
        }
    }

    private SlidingWindow Window(LimitRule rule)
    {
        if (!windows.TryGetValue(rule.Counter, out var window))
        {
            windows[rule.Counter] = window = rule.Unit switch
            {
                LimitUnit.Second => SlidingWindow.PerSecond(),
                LimitUnit.Minute => SlidingWindow.PerMinute(),
                _ => SlidingWindow.Reservations(reservationTtl),
            };
        }
        return window;
    }

    /// <summary>
    /// How long a refused call should wait: until the rule has room for what it asks, or, when it asks for more than
    /// the whole threshold (a reservation no wait can fit), the rule's whole period.
    /// </summary>
    private TimeSpan RetryAfter(LimitRule rule, DateTime now, long asking) => asking > rule.Threshold && rule.Unit != LimitUnit.Day
        ? (rule.Unit == LimitUnit.Second ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1))
        : Wait(rule, now, rule.Threshold - Math.Max(asking, 1));

    /// <summary>How long until the rule's counter is at most <paramref name="allowed"/>.</summary>
    private TimeSpan Wait(LimitRule rule, DateTime now, long allowed) => rule.Unit == LimitUnit.Day
        ? DateOnly.FromDateTime(now).AddDays(1).ToDateTime(TimeOnly.MinValue) - now
        : Window(rule).TimeUntil(now, Math.Max(allowed, 0));
}
