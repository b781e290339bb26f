using System.Diagnostics;
using System.Diagnostics.Metrics;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.Extensions.Hosting;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// Holds the current <see cref="GatewaySnapshot"/>. Loads it before the server listens, refreshes the part a
/// committed change touched (before that change's caller is answered, when it was made on this host), and reads
/// it again whole when asked to resync.
/// </summary>
internal sealed class SnapshotStore : IHostedService, IGroupRoots
{
    private readonly SemaphoreSlim writer = new(1, 1);
    private readonly SnapshotLoader loader;
    private readonly IEndpointListener listener;
    private readonly IChangeBus changes;
    private volatile GatewaySnapshot current = GatewaySnapshot.Empty;
    private GroupHierarchy hierarchy = new([]);
    private volatile bool loaded;
    private readonly GatewayMetrics metrics;
    /// <summary>When the database was last read whole (a Stopwatch timestamp): the snapshot's age.</summary>
    private long loadedAt;

    public SnapshotStore(SnapshotLoader loader, IEndpointListener listener, IChangeBus changes, GatewayMetrics metrics)
    {
        this.loader = loader;
        this.listener = listener;
        this.changes = changes;
        this.metrics = metrics;
        changes.Subscribe(ApplyAsync);
        metrics.Meter.CreateObservableGauge("frontier.snapshot.age", ObserveAge, "s",
            "Time since this host last read its snapshot whole from the database (at most Gateway:ResyncSeconds when well).");
        metrics.Meter.CreateObservableGauge("frontier.keys.cached", () => current.Keys.Count, "{key}",
            "Live customer keys in this host's snapshot.");
    }

    public GatewaySnapshot Current => current;

    /// <summary>Whether the whole snapshot has been loaded (a change applied before that refreshes only a part).</summary>
    public bool IsLoaded => loaded;

    public string? RootOf(string groupId) => current.Groups.TryGetValue(groupId, out var group) ? group.RootGroupId : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Listening first: a change another host commits while this one loads is then applied after the load.
        await changes.ListenAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reads the whole snapshot again: what a change this host never heard of would have changed.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await writer.WaitAsync(ct);
        try
        {
            await LoadAllAsync(ct);
        }
        finally
        {
            writer.Release();
        }
    }

    private async Task LoadAllAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        // The keys and the groups side by side, each on a context of its own: at a million keys over 100,000 groups
        // each takes seconds of start-up (bench/million.sh), and SQLite's reads run synchronously on the caller.
        var keysRead = Task.Run(() => loader.LoadKeysAsync(ct), ct);
        var groupsRead = Task.Run(() => loader.LoadGroupsAsync(ct), ct);
        var endpoints = await loader.LoadEndpointsAsync(ct);
        await Task.WhenAll(keysRead, groupsRead);
        var (keys, groups) = (await keysRead, await groupsRead);
        current = new GatewaySnapshot(keys, SnapshotTable<GroupPolicy>.From(groups.Policies), endpoints);
        hierarchy = new GroupHierarchy(groups.Parents);
        // YARP keeps a cluster whose configuration is unchanged as it is, with its targets' health.
        listener.Update(endpoints.Values);
        loaded = true;
        Volatile.Write(ref loadedAt, Stopwatch.GetTimestamp());
        metrics.RecordSnapshotReload(Stopwatch.GetElapsedTime(started));
    }

    private IEnumerable<Measurement<double>> ObserveAge() => loaded
        ? [new(Stopwatch.GetElapsedTime(Volatile.Read(ref loadedAt)).TotalSeconds)]
        : [];

    private async Task ApplyAsync(ChangeSet change, CancellationToken ct)
    {
        await writer.WaitAsync(ct);
        try
        {
            if (change.All)
            {
                await LoadAllAsync(ct);
                return;
            }
            var next = current;
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
            current = next;
        }
        finally
        {
            writer.Release();
        }
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
}
