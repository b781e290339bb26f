using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// The single-host counter store. One lock makes check-and-count atomic across every counter of a call,
/// so N concurrent calls against a REQUEST limit of K admit exactly K. Every answer is synchronous: the
/// <see cref="ValueTask"/>s it returns are already complete.
/// </summary>
internal sealed class InMemoryCounterStore(DailyTotals daily) : ICounterStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<CounterKey, SlidingWindow> windows = [];

    public ValueTask<Admission> TryAdmitAsync(SlugPolicy policy, DateTime now, CancellationToken ct = default) =>
        ValueTask.FromResult(TryAdmit(policy, now));

    private Admission TryAdmit(SlugPolicy policy, DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        (LimitRule? Rule, long Remaining) requests = (null, long.MaxValue), tokens = (null, long.MaxValue);
        lock (gate)
        {
            foreach (var rule in policy.Rules)
            {
                var used = rule.Unit == LimitUnit.Day
                    ? daily.Read(rule.Counter.GroupId, policy.Slug, rule.Type, today) ?? 0
                    : Window(rule).Sum(now);
                // A request needs room for itself; a token limit admits while any headroom is left.
                var asking = rule.Type == LimitType.Request ? 1 : 0;
                if (used + 1 > rule.Threshold)
                {
                    return new Admission(rule, Wait(rule, now, rule.Threshold - 1), null, null);
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
            foreach (var rule in policy.Rules)
            {
                if (rule.Type == LimitType.Request && rule.Unit != LimitUnit.Day)
                {
                    Window(rule).Add(now, 1);
                }
            }
            daily.Add(policy.DailyGroups, policy.Slug, LimitType.Request, 1, today);
            return new Admission(null, TimeSpan.Zero, Headroom(requests, now), Headroom(tokens, now));
        }
    }

    private Headroom? Headroom((LimitRule? Rule, long Remaining) tightest, DateTime now) =>
        tightest.Rule is { } rule ? new Headroom(rule, tightest.Remaining, Wait(rule, now, 0)) : null;

    public ValueTask AddTokensAsync(SlugPolicy policy, long tokens, DateTime now, CancellationToken ct = default)
    {
        lock (gate)
        {
            foreach (var rule in policy.Rules)
            {
                if (rule.Type == LimitType.Token && rule.Unit != LimitUnit.Day)
                {
                    Window(rule).Add(now, tokens);
                }
            }
            daily.Add(policy.DailyGroups, policy.Slug, LimitType.Token, tokens, DateOnly.FromDateTime(now));
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<long?> ReadDailyAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct = default) =>
        ValueTask.FromResult(daily.Read(groupId, slug, type, day));

    private SlidingWindow Window(LimitRule rule)
    {
        if (!windows.TryGetValue(rule.Counter, out var window))
        {
            windows[rule.Counter] = window = rule.Unit == LimitUnit.Second ? SlidingWindow.PerSecond() : SlidingWindow.PerMinute();
        }
        return window;
    }

    /// <summary>How long until the rule's counter is at most <paramref name="allowed"/>.</summary>
    private TimeSpan Wait(LimitRule rule, DateTime now, long allowed) => rule.Unit == LimitUnit.Day
        ? DateOnly.FromDateTime(now).AddDays(1).ToDateTime(TimeOnly.MinValue) - now
        : Window(rule).TimeUntil(now, Math.Max(allowed, 0));
}
