using System.Collections.Concurrent;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// What the data plane is doing right now, kept in memory for the portal's live view: every call the data plane
/// admitted or refused, per second, for the last <see cref="HistorySeconds"/> seconds, for the workspace, each
/// group, each slug and each group's slug. Recording is a few interlocked additions: no lock on the common path,
/// no allocation except the first call of a new series or second slot. Only this node's traffic is seen.
/// </summary>
public sealed class LiveUsage(TimeProvider time)
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
    public LiveView Query(LiveFilter filter, int seconds)
    {
        var series = filter switch
        {
            { GroupId: { } group, Slug: { } slug } => pairs.GetValueOrDefault(new GroupSlug(group, slug)),
            { GroupId: { } group } => groups.GetValueOrDefault(group),
            { Slug: { } slug } => slugs.GetValueOrDefault(slug),
            _ => workspace,
        };
        var end = time.GetUtcNow().ToUnixTimeSeconds() - 1;
        return LiveView.Build(series, end, Math.Clamp(seconds, 1, HistorySeconds));
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
