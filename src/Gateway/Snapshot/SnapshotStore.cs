using System.Diagnostics;
using System.Diagnostics.Metrics;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// Holds the current <see cref="GatewaySnapshot"/>. Loads it before the server listens (or, when the first whole read
/// outlasts <c>Gateway:StartupWaitSeconds</c>, reads a called key and its group on their first call until the read
/// ends), refreshes the part a committed change touched (before that change's caller is answered, when it was made on
/// this host), and reads it again whole when asked to resync.
/// </summary>
internal sealed partial class SnapshotStore : IHostedService, IGroupRoots
{
    /// <summary>Held to change <see cref="current"/> and <see cref="hierarchy"/>.</summary>
    private readonly SemaphoreSlim writer = new(1, 1);

    /// <summary>Held through a whole read, so that one runs at a time.</summary>
    private readonly SemaphoreSlim reloading = new(1, 1);

    /// <summary>How far the change journal has been applied; read and moved under <see cref="reloading"/>.</summary>
    private ChangeCursor cursor = new(0);

    /// <summary>While a whole read runs, the changes applied meanwhile (under <see cref="writer"/>); else null.</summary>
    private List<ChangeSet>? missed;
    private readonly SnapshotLoader loader;
    private readonly IEndpointListener listener;
    private readonly IChangeBus changes;
    private volatile GatewaySnapshot current = GatewaySnapshot.Empty;
    private GroupHierarchy hierarchy = new([]);
    private volatile bool loaded;
    private readonly GatewayMetrics metrics;
    private readonly ILogger<SnapshotStore> logger;
    private readonly TimeProvider time;
    /// <summary>When the snapshot was last brought up to date, by a whole read or a catch-up (a Stopwatch timestamp): its age.</summary>
    private long loadedAt;

    public SnapshotStore(SnapshotLoader loader, IEndpointListener listener, IChangeBus changes, GatewayMetrics metrics,
        TimeProvider time, IOptions<GatewayOptions> options, ILogger<SnapshotStore> logger)
    {
        startupWait = TimeSpan.FromSeconds(options.Value.StartupWaitSeconds);
        this.logger = logger;
        this.time = time;
        this.loader = loader;
        this.listener = listener;
        this.changes = changes;
        this.metrics = metrics;
        changes.Subscribe(ApplyAsync);
        metrics.Meter.CreateObservableGauge("frontier.snapshot.age", ObserveAge, "s",
            "Time since this host last brought its snapshot up to date with the database, by a whole read or a catch-up with the change journal (at most Gateway:ResyncSeconds when well).");
        metrics.Meter.CreateObservableGauge("frontier.keys.cached", () => current.Keys.Count, "{key}",
            "Live customer keys in this host's snapshot.");
    }

    public GatewaySnapshot Current => current;

    /// <summary>Whether the whole snapshot has been loaded (a change applied before that refreshes only a part).</summary>
    public bool IsLoaded => loaded;

    /// <summary>The root of a live group; while warming, of one not read yet too (from <see cref="warmingRoots"/>).</summary>
    public string? RootOf(string groupId) => current.Groups.TryGetValue(groupId, out var group) ? group.RootGroupId
        : !loaded && warmingRoots is { } roots && roots.TryGetValue(groupId, out var root) ? root
        : null;

    /// <summary>Reads the whole snapshot again: what a change this host never heard of would have changed.</summary>
    /// <remarks>
    /// The read runs outside the writer lock: at a million keys it takes seconds (more on a busy machine), and a
    /// change's caller waits for its change to be applied, so holding the lock through it made a limit edit during a
    /// resync wait for the whole read (bench/million.sh: a PATCH over 10 s). Every change applied while the read runs
    /// is recorded and applied again on what was read, which may predate it.
    /// </remarks>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await reloading.WaitAsync(ct);
        try
        {
            await writer.WaitAsync(ct);
            missed = [];
            writer.Release();
            var started = Stopwatch.GetTimestamp();
            // The journal's entries from a little before the read are applied again after it: on PostgreSQL, one
            // drawn just before may commit only after the read has passed its rows.
            var floor = await loader.LastChangeBeforeAsync(time.GetUtcNow().UtcDateTime - ChangeCursor.Patience, ct);
            // The keys and the groups side by side, each on a context of its own: at a million keys over 100,000
            // groups each takes seconds, and SQLite's reads run synchronously on the caller.
            var keysRead = Task.Run(() => loader.LoadKeysAsync(current.Keys, ct), ct);
            var groupsRead = Task.Run(() => loader.LoadGroupsAsync(current.Groups, ct), ct);
            var endpoints = await loader.LoadEndpointsAsync(ct);
            await Task.WhenAll(keysRead, groupsRead);
            var (keys, groups) = (await keysRead, await groupsRead);
            var read = new GatewaySnapshot(keys, groups.Policies, endpoints);
            await writer.WaitAsync(ct);
            var previous = hierarchy;
            try
            {
                hierarchy = new GroupHierarchy(groups.Parents);
                var replay = missed;
                missed = null;
                // Applied before the swap: the callers of these changes have been answered, and a call must never
                // see what the read found instead of what they changed.
                foreach (var change in replay)
                {
                    read = await RefreshAsync(read, change, ct);
                }
                current = read;
                cursor = new ChangeCursor(floor);
                // YARP keeps a cluster whose configuration is unchanged as it is, with its targets' health.
                listener.Update(read.Endpoints.Values);
                loaded = true;
                Volatile.Write(ref loadedAt, started);
                Recovered(started);
            }
            catch
            {
                // The read is not swapped in: the hierarchy stays the one of the snapshot that stays.
                hierarchy = previous;
                throw;
            }
            finally
            {
                missed = null;
                writer.Release();
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.RecordSnapshotReload(elapsed);
            LogLoaded(logger, keys.Count, read.Groups.Count, endpoints.Count, (long)elapsed.TotalMilliseconds);
        }
        finally
        {
            if (missed is not null)
            {
                // A read that failed: changes are no longer kept for it.
                await writer.WaitAsync(CancellationToken.None);
                missed = null;
                writer.Release();
            }
            reloading.Release();
        }
    }

    /// <summary>
    /// Applies the change journal's entries this host has not applied yet: the changes whose bus message never came
    /// (a lost message, a host cut off from the bus, or no bus at all), each subtree, key and endpoint list read again
    /// as a bus message would have it. A few rows read, where a whole read is seconds of both cores at a million keys.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        await reloading.WaitAsync(ct);
        try
        {
            if (!loaded)
            {
                // Between a failed first read and its next try: that read brings what the journal would.
                return;
            }
            List<(long Id, ChangeSet Change)> entries;
            var started = Stopwatch.GetTimestamp();
            var after = cursor.Floor;
            do
            {
                entries = await loader.ReadChangesAsync(after, CatchUpBatch, ct);
                var fresh = entries.Where(e => cursor.IsNew(e.Id)).ToList();
                if (fresh.Count > 0)
                {
                    // Taken only once applied: entries whose refresh failed are read again by the next catch-up.
                    await ApplyAsync(Merge([.. fresh.Select(e => e.Change)]), ct);
                    fresh.ForEach(e => cursor.Take(e.Id));
                    LogCaughtUp(logger, fresh.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                after = entries.Count > 0 ? entries[^1].Id : after;
            }
            while (entries.Count == CatchUpBatch);
            cursor.Settle(time.GetUtcNow().UtcDateTime);
            if (loaded)
            {
                Volatile.Write(ref loadedAt, started);
                Recovered(started);
            }
        }
        finally
        {
            reloading.Release();
        }
    }

    /// <summary>At most this many journal entries are read and applied at once.</summary>
    private const int CatchUpBatch = 1000;

    private static ChangeSet Merge(List<ChangeSet> changes) => new(
        [.. changes.SelectMany(c => c.GroupIds).Distinct(StringComparer.Ordinal)],
        [.. changes.SelectMany(c => c.KeyPrefixes).Distinct(StringComparer.Ordinal)],
        changes.Exists(c => c.Endpoints));

    private IEnumerable<Measurement<double>> ObserveAge() => loaded
        ? [new(Stopwatch.GetElapsedTime(Volatile.Read(ref loadedAt)).TotalSeconds)]
        : [];

    private async Task ApplyAsync(ChangeSet change, CancellationToken ct)
    {
        if (change.All)
        {
            // What this host may have missed is in the journal.
            try
            {
                await CatchUpAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Failed();
                throw;
            }
            return;
        }
        await writer.WaitAsync(ct);
        try
        {
            missed?.Add(change);
            if (change.KeysRevoked)
            {
                // Refused from here on, with nothing to read: whatever the refresh below meets.
                current = current with { Keys = current.Keys.With([], change.KeyPrefixes) };
            }
            current = await RefreshAsync(current, change, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed();
            throw;
        }
        finally
        {
            writer.Release();
        }
    }

    /// <summary><paramref name="next"/> with what <paramref name="change"/> touched read again; under the writer lock.</summary>
    private async Task<GatewaySnapshot> RefreshAsync(GatewaySnapshot next, ChangeSet change, CancellationToken ct)
    {
        if (change.KeyPrefixes.Count > 0)
        {
            next = next with { Keys = await loader.RefreshKeysAsync(next.Keys, change.KeyPrefixes, ct) };
        }
        if (change.GroupIds.Count > 0)
        {
            next = next with { Groups = await RefreshGroupsAsync(next.Groups, change.GroupIds, ct) };
        }
        if (change.Endpoints)
        {
            next = next with { Endpoints = await loader.LoadEndpointsAsync(ct) };
            listener.Update(next.Endpoints.Values);
        }
        return next;
    }

    /// <summary>
    /// The changed groups and every descendant (effective limits flow down the tree) read again: new policies for
    /// the live ones, the rest removed. Every other group keeps its policy instance, and with it what a counter store
    /// prepared for it. The hierarchy is updated only once the read has succeeded.
    /// </summary>
    private async Task<SnapshotTable<GroupPolicy>> RefreshGroupsAsync(SnapshotTable<GroupPolicy> groups, IReadOnlyList<string> changed, CancellationToken ct)
    {
        var affected = hierarchy.SubtreesOf(changed);
        var load = await loader.LoadGroupsAsync(affected, ct);
        var removed = affected.Where(id => !load.Policies.ContainsKey(id)).ToList();
        removed.ForEach(hierarchy.Remove);
        foreach (var (id, parent) in load.Parents)
        {
            hierarchy.Set(id, parent);
        }
        return groups.With(load.Policies, removed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot caught up with {Changes} changes from the journal in {Milliseconds} ms.")]
    private static partial void LogCaughtUp(ILogger logger, int changes, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot read whole: {Keys} keys, {Groups} groups, {Endpoints} endpoints in {Milliseconds} ms.")]
    private static partial void LogLoaded(ILogger logger, int keys, int groups, int endpoints, long milliseconds);
}
