// The snapshot's managed memory per key and per group (bench/million.sh runs it on the seeded database).
//
//   snapshot-memory --data <folder holding frontier.db> [--out memory.env]
//
// Loads the keys, then the groups, through the gateway's own SnapshotLoader, as SnapshotStore does at start-up, and
// weighs each with GC.GetTotalMemory(true) (a full, compacting collection) before and after, the loaded parts held
// alive. A first load of both, thrown away, warms EF Core's model and query caches so that they are not counted.
// The groups' part is the policy table the request path reads and the hierarchy the store keeps beside it. Also
// prints what each read allocated on the way (GC.GetTotalAllocatedBytes): garbage once loaded, but a peak to carry.
using System.Diagnostics;
using System.Globalization;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

string? data = null;
string? outFile = null;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i++])
    {
        case "--data": data = value; break;
        case "--out": outFile = value; break;
        default: throw new ArgumentException($"unknown argument {args[i - 1]}");
    }
}
if (data is null || !File.Exists(Path.Combine(data, "frontier.db")))
{
    Console.Error.WriteLine("usage: snapshot-memory --data <folder holding frontier.db> [--out file]");
    return 2;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration["Data:Folder"] = Path.GetFullPath(data);
// The development key-encryption key (appsettings.Development.json): AddData() refuses to start without one.
builder.Configuration["DataProtection:KeyEncryptionKeys:development"] = "ZGV2LW9ubHkta2V5LWVuY3J5cHRpb24ta2V5LTAwMDE=";
builder.AddData();
builder.Services.AddSingleton<SnapshotLoader>();
using var host = builder.Build();
await host.StartAsync();
var loader = host.Services.GetRequiredService<SnapshotLoader>();
var ct = CancellationToken.None;

await WarmUpAsync(loader, ct);

var baseline = Weigh();
var clock = Stopwatch.StartNew();
var allocated = GC.GetTotalAllocatedBytes(precise: true);
var keys = await loader.LoadKeysAsync(ct);
var keysSeconds = clock.Elapsed.TotalSeconds;
var keysAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
var withKeys = Weigh();

clock.Restart();
allocated = GC.GetTotalAllocatedBytes(precise: true);
var (table, hierarchy) = await LoadGroupsAsync(loader, ct);
var groupsSeconds = clock.Elapsed.TotalSeconds;
var groupsAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
var withTable = Weigh();
GC.KeepAlive(table);
GC.KeepAlive(keys);

var keyBytes = withKeys - baseline;
var groupBytes = withTable - withKeys;
var lines = new List<string>
{
    $"snapshot_keys={keys.Count}",
    $"snapshot_groups={table.Count}",
    Invariant($"snapshot_keys_mb={keyBytes / 1048576.0:F1}"),
    Invariant($"snapshot_bytes_per_key={(double)keyBytes / Math.Max(1, keys.Count):F0}"),
    Invariant($"snapshot_groups_mb={groupBytes / 1048576.0:F1}"),
    Invariant($"snapshot_bytes_per_group={(double)groupBytes / Math.Max(1, table.Count):F0}"),
    Invariant($"snapshot_keys_load_s={keysSeconds:F2}"),
    Invariant($"snapshot_groups_load_s={groupsSeconds:F2}"),
    Invariant($"snapshot_hierarchy_count={hierarchy.Count}"),
    // What each read allocated on the way (garbage once loaded): a whole read is also a resync's.
    Invariant($"snapshot_keys_allocated_mb={keysAllocated / 1048576.0:F0}"),
    Invariant($"snapshot_groups_allocated_mb={groupsAllocated / 1048576.0:F0}"),
};
lines.ForEach(Console.WriteLine);
if (outFile is not null)
{
    await File.AppendAllLinesAsync(outFile, lines);
}
await host.StopAsync();
return 0;

// In a method of its own, so that nothing of the thrown-away load stays reachable from the caller's state machine.
static async Task WarmUpAsync(SnapshotLoader loader, CancellationToken ct)
{
    var keys = await loader.LoadKeysAsync(ct);
    var groups = await loader.LoadGroupsAsync(ct);
    Console.Error.WriteLine($"warm-up: {keys.Count} keys, {groups.Policies.Count} groups");
}

static long Weigh()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    return GC.GetTotalMemory(true);
}

// As SnapshotStore keeps them: the policy table and the hierarchy; the load's own dictionaries are dropped.
static async Task<(SnapshotTable<GroupPolicy> Table, GroupHierarchy Hierarchy)> LoadGroupsAsync(SnapshotLoader loader, CancellationToken ct)
{
    var load = await loader.LoadGroupsAsync(ct);
    return (SnapshotTable<GroupPolicy>.From(load.Policies), new GroupHierarchy(load.Parents));
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
