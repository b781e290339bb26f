using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// The single-host counter store. One lock makes check-and-count atomic across every counter of a call,
/// so N concurrent calls against a REQUEST limit of K admit exactly K.
/// </summary>
internal sealed class InMemoryCounterStore : ICounterStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<CounterKey, SlidingWindow> windows = [];
    private readonly Dictionary<(string Group, string Slug, LimitType Type), (DateOnly Day, long Value)> daily = [];
    private readonly Dictionary<DailyKey, long> changed = [];

    public Admission TryAdmit(SlugPolicy policy, DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        (LimitRule? Rule, long Remaining) requests = (null, long.MaxValue), tokens = (null, long.MaxValue);
        lock (gate)
        {
            foreach (var rule in policy.Rules)
            {
                var used = rule.Unit == LimitUnit.Day ? Daily(rule.Counter.GroupId, policy.Slug, rule.Type, today) : Window(rule).Sum(now);
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
            AddDaily(policy, LimitType.Request, 1, today);
            return new Admission(null, TimeSpan.Zero, Headroom(requests, now), Headroom(tokens, now));
        }
    }

    private Headroom? Headroom((LimitRule? Rule, long Remaining) tightest, DateTime now) =>
        tightest.Rule is { } rule ? new Headroom(rule, tightest.Remaining, Wait(rule, now, 0)) : null;

    public void AddTokens(SlugPolicy policy, long tokens, DateTime now)
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
            AddDaily(policy, LimitType.Token, tokens, DateOnly.FromDateTime(now));
        }
    }

    public long? ReadDaily(string groupId, string slug, LimitType type, DateOnly day)
    {
        lock (gate)
        {
            return daily.TryGetValue((groupId, slug, type), out var entry) && entry.Day == day ? entry.Value : null;
        }
    }

    public IReadOnlyList<KeyValuePair<DailyKey, long>> TakeChangedDaily()
    {
        lock (gate)
        {
            var result = changed.ToList();
            changed.Clear();
            return result;
        }
    }

    public void LoadDaily(IEnumerable<KeyValuePair<DailyKey, long>> totals)
    {
        lock (gate)
        {
            foreach (var (key, value) in totals)
            {
                var slot = (key.GroupId, key.Slug, key.Type);
                if (!daily.TryGetValue(slot, out var entry) || entry.Day <= key.Day)
                {
                    daily[slot] = (key.Day, value);
                }
            }
        }
    }

    private long Daily(string group, string slug, LimitType type, DateOnly today) =>
        daily.TryGetValue((group, slug, type), out var entry) && entry.Day == today ? entry.Value : 0;

    private void AddDaily(SlugPolicy policy, LimitType type, long amount, DateOnly today)
    {
        foreach (var group in policy.DailyGroups)
        {
            var value = Daily(group, policy.Slug, type, today) + amount;
            daily[(group, policy.Slug, type)] = (today, value);
            changed[new DailyKey(group, policy.Slug, type, today)] = value;
        }
    }

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
