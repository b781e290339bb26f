using FrontierGateway.Data.Entities;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// The in-process UTC-day counters: one value per (group, slug, type), tagged with its day so that a new day
/// starts at zero without a sweep, and the set of totals changed since the usage writer last took them.
/// </summary>
internal sealed class DailyTotals : IDailyTotals
{
    // Its own lock, always taken inside the counter store's (never the other way round): the store's lock is
    // what makes check-and-count atomic, this one guards the dictionaries against the usage writer.
    private readonly Lock gate = new();
    private readonly Dictionary<(string Group, string Slug, LimitType Type), (DateOnly Day, long Value)> daily = [];
    private readonly Dictionary<DailyKey, long> changed = [];

    /// <summary>The counter's value on <paramref name="day"/>; null before its first call that day.</summary>
    public long? Read(string group, string slug, LimitType type, DateOnly day)
    {
        lock (gate)
        {
            return daily.TryGetValue((group, slug, type), out var entry) && entry.Day == day ? entry.Value : null;
        }
    }

    /// <summary>Adds <paramref name="amount"/> to the day's counter of each of <paramref name="groups"/>.</summary>
    public void Add(string[] groups, string slug, LimitType type, long amount, DateOnly day)
    {
        lock (gate)
        {
            foreach (var group in groups)
            {
                var value = (daily.TryGetValue((group, slug, type), out var entry) && entry.Day == day ? entry.Value : 0) + amount;
                daily[(group, slug, type)] = (day, value);
                changed[new DailyKey(group, slug, type, day)] = value;
            }
        }
    }

    public ValueTask<IReadOnlyList<KeyValuePair<DailyKey, long>>> TakeChangedAsync(CancellationToken ct = default)
    {
        lock (gate)
        {
            IReadOnlyList<KeyValuePair<DailyKey, long>> result = [.. changed];
            changed.Clear();
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask LoadAsync(IReadOnlyList<KeyValuePair<DailyKey, long>> totals, CancellationToken ct = default)
    {
        lock (gate)
        {
            foreach (var (key, value) in totals)
            {
                var slot = (key.GroupId, key.Slug, key.Type);
                if (!daily.TryGetValue(slot, out var entry) || entry.Day < key.Day || (entry.Day == key.Day && entry.Value < value))
                {
                    daily[slot] = (key.Day, value);
                }
            }
        }
        return ValueTask.CompletedTask;
    }
}
