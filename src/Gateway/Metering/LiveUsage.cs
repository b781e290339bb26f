using System.Collections.Concurrent;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// What the data plane is doing right now, kept in memory for the portal's live view: every call the data plane
/// admitted or refused, per second, for the last <see cref="HistorySeconds"/> seconds, for the workspace, each
/// group, each slug and each group's slug. Recording is a few interlocked additions: no lock on the common path,
/// no allocation except the first call of a new series or second slot. Only this host's traffic is seen: it is
/// the portal's <see cref="ILiveUsageSource"/> when the host runs alone (<see cref="RedisLiveUsage"/> sums the fleet).
/// </summary>
public sealed class LiveUsage(TimeProvider time) : ILiveUsageSource
{
    public const int HistorySeconds = 900;
    public const int RollingSeconds = 60;

    private const int SweepEverySeconds = 60;

    private readonly LiveSeries workspace = new();
    private readonly ConcurrentDictionary<GroupSlug, LiveSeries> pairs = new();
    private readonly ConcurrentDictionary<string, LiveSeries> groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveSeries> slugs = new(StringComparer.Ordinal);
    private long nextSweep;

    /// <summary>How many group, slug and group-slug series are kept (the workspace's is always kept).</summary>
    internal int SeriesCount => pairs.Count + groups.Count + slugs.Count;

    /// <summary>A call refused with 429 by a limit.</summary>
    public void RecordRefused(string groupId, string slug) => Record(groupId, slug, LiveOutcome.Refused, 0, 0);

    /// <summary>An admitted call that ended with <paramref name="status"/>, <paramref name="latency"/> after admission.</summary>
    public void RecordCall(string groupId, string slug, int status, long tokens, TimeSpan latency) =>
        Record(groupId, slug, status is >= 200 and < 300 ? LiveOutcome.Completed : LiveOutcome.Failed, tokens,
            LatencyBuckets.Of(latency));

    /// <summary>
    /// The <paramref name="seconds"/> complete seconds before now (at most <see cref="HistorySeconds"/>) of the
    /// workspace, or of the filter's group, slug or both.
    /// </summary>
    public LiveView Query(LiveFilter filter, int seconds) =>
        LiveView.Build([SeriesOf(filter)], time.GetUtcNow().ToUnixTimeSeconds() - 1, Math.Clamp(seconds, 1, HistorySeconds));

    /// <summary>The series the filter shows; null when it saw no call lately.</summary>
    internal LiveSeries? SeriesOf(LiveFilter filter) => filter switch
    {
        { GroupId: { } group, Slug: { } slug } => pairs.GetValueOrDefault(new GroupSlug(group, slug)),
        { GroupId: { } group } => groups.GetValueOrDefault(group),
        { Slug: { } slug } => slugs.GetValueOrDefault(slug),
        _ => workspace,
    };

    /// <summary>
    /// Each group's slug that saw calls in <paramref name="second"/>, with that second's counts: what another host
    /// needs to add this one's traffic to every series (the workspace, group and slug series are sums of these).
    /// </summary>
    internal IEnumerable<(string GroupId, string Slug, LiveSeries.Slot Counts)> PairsAt(long second)
    {
        foreach (var (pair, series) in pairs)
        {
            if (series.Read(second) is { } slot)
            {
                yield return (pair.GroupId, pair.Slug, slot);
            }
        }
    }

    /// <summary>Adds a second of calls seen elsewhere (another host's) to every series they belong to.</summary>
    internal void Add(string groupId, string slug, long second, LiveSeries.Slot counts)
    {
        workspace.Add(second, counts);
        groups.GetOrAdd(groupId, static _ => new LiveSeries()).Add(second, counts);
        slugs.GetOrAdd(slug, static _ => new LiveSeries()).Add(second, counts);
        pairs.GetOrAdd(new GroupSlug(groupId, slug), static _ => new LiveSeries()).Add(second, counts);
        SweepWhenDue(second);
    }

    /// <summary>Drops the series that saw no call since <paramref name="cutoff"/> (unix seconds).</summary>
    internal void Sweep(long cutoff)
    {
        Sweep(pairs, cutoff);
        Sweep(groups, cutoff);
        Sweep(slugs, cutoff);
    }

    private void Record(string groupId, string slug, LiveOutcome outcome, long tokens, int latencyBucket)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        workspace.Add(second, outcome, tokens, latencyBucket);
        groups.GetOrAdd(groupId, static _ => new LiveSeries()).Add(second, outcome, tokens, latencyBucket);
        slugs.GetOrAdd(slug, static _ => new LiveSeries()).Add(second, outcome, tokens, latencyBucket);
        pairs.GetOrAdd(new GroupSlug(groupId, slug), static _ => new LiveSeries()).Add(second, outcome, tokens, latencyBucket);
        SweepWhenDue(second);
    }

    private void SweepWhenDue(long second)
    {
        var due = Volatile.Read(ref nextSweep);
        if (second >= due && Interlocked.CompareExchange(ref nextSweep, second + SweepEverySeconds, due) == due)
        {
            // Off the request path: a sweep walks every series.
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Live.Sweep(s.Cutoff),
                (Live: this, Cutoff: second - LiveSeries.Slots), preferLocal: false);
        }
    }

    private static void Sweep<TKey>(ConcurrentDictionary<TKey, LiveSeries> series, long cutoff) where TKey : notnull
    {
        foreach (var entry in series)
        {
            // A call racing with the removal of a series idle for a quarter of an hour may go uncounted: accepted.
            if (entry.Value.LastSecond < cutoff)
            {
                series.TryRemove(entry);
            }
        }
    }

    private readonly record struct GroupSlug(string GroupId, string Slug);
}
