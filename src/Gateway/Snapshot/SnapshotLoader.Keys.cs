using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>The snapshot's keys, read from the database: all of them, or the ones a change names.</summary>
internal sealed partial class SnapshotLoader
{
    /// <summary>Every key not revoked: <paramref name="current"/> with what the database says differently.</summary>
    /// <remarks>
    /// Every resync reads all the keys while the snapshot it replaces is live. At 1,000,000 keys, reading them into a
    /// new table beside it (a new entry per key, and the table's dictionary) made the host's peak RSS 1.5 GB under
    /// load: the new entries all lived long enough to be promoted, and each resync left hundreds of MB for a full
    /// collection. Now the rows are compared with the current entries as they stream and die young; only the keys
    /// that differ are new entries, in the current table's overlay of changes (folded past about 4√n). When keys are
    /// gone (revoked, or their group deleted, with no notification: a host without a bus), the table is read again
    /// whole, the unchanged entries kept.
    /// </remarks>
    public async Task<SnapshotTable<KeyEntry>> LoadKeysAsync(SnapshotTable<KeyEntry> current, CancellationToken ct)
    {
        if (current.Count > 0)
        {
            var (changed, present) = await CompareKeysAsync(current, ct);
            if (present == current.Count)
            {
                return current.With(changed, []);
            }
        }
        return await BuildKeysAsync(current, ct);
    }

    /// <summary>The keys whose row <paramref name="current"/> lacks or says differently, and how many of its entries are still rows.</summary>
    private async Task<(Dictionary<string, KeyEntry> Changed, int Present)> CompareKeysAsync(SnapshotTable<KeyEntry> current,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = new Dictionary<string, KeyEntry>(StringComparer.Ordinal);
        var present = 0;
        await foreach (var k in ReadKeysAsync(db, ct))
        {
            if (current.TryGetValue(k.Prefix, out var known))
            {
                present++;
                if (known.Matches(k.SecretHash, k.GroupId, k.ExpiresAt))
                {
                    continue;
                }
            }
            changed[k.Prefix] = new KeyEntry(k.Prefix, k.SecretHash, k.GroupId, k.ExpiresAt);
        }
        return (changed, present);
    }

    /// <summary>Every key not revoked in a table built at its size; an entry of <paramref name="current"/> still right is kept.</summary>
    private async Task<SnapshotTable<KeyEntry>> BuildKeysAsync(SnapshotTable<KeyEntry> current, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Each row brings its own copy of its group's id: one instance per group is kept (at 1,000,000 keys over
        // 100,000 groups, some 80 MB fewer).
        var groupIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new Dictionary<string, KeyEntry>(current.Count, StringComparer.Ordinal);
        await foreach (var k in ReadKeysAsync(db, ct))
        {
            if (current.TryGetValue(k.Prefix, out var known) && known.Matches(k.SecretHash, k.GroupId, k.ExpiresAt))
            {
                // Its group id is then the instance a new key of the group takes.
                entries[known.Prefix] = known;
                Shared(groupIds, known.GroupId);
            }
            else
            {
                entries[k.Prefix] = new KeyEntry(k.Prefix, k.SecretHash, Shared(groupIds, k.GroupId), k.ExpiresAt);
            }
        }
        // At start-up the count was unknown and the dictionary grew by doubling: up to twice the slots it needs.
        entries.TrimExcess();
        return SnapshotTable<KeyEntry>.Over(entries);
    }

    /// <summary>Every key not revoked, read afresh.</summary>
    public Task<SnapshotTable<KeyEntry>> LoadKeysAsync(CancellationToken ct) => LoadKeysAsync(SnapshotTable<KeyEntry>.Empty, ct);

    /// <summary>The given keys as they are now: live ones to set, the rest to remove.</summary>
    public async Task<SnapshotTable<KeyEntry>> RefreshKeysAsync(
        SnapshotTable<KeyEntry> keys, IReadOnlyList<string> prefixes, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var live = await UnrevokedKeys(db).TagWith(KeysByPrefixTag).Where(k => prefixes.Contains(k.Prefix))
            .ToDictionaryAsync(k => k.Prefix, k => new KeyEntry(k.Prefix, k.SecretHash, k.GroupId, k.ExpiresAt), ct);
        return keys.With(live, prefixes.Where(p => !live.ContainsKey(p)));
    }

    /// <summary>The comment the read of given keys carries in its SQL, to tell it in a database's log from other reads of keys.</summary>
    public const string KeysByPrefixTag = "snapshot: keys by prefix";

    /// <summary>Every key not revoked, the columns an entry needs.</summary>
    private static IAsyncEnumerable<KeyRow> ReadKeysAsync(FrontierDbContext db, CancellationToken ct) =>
        ReadRowsAsync<KeyRow>(db, UnrevokedKeys(db).Select(k => new { k.Prefix, k.SecretHash, k.GroupId, k.ExpiresAt }), reader =>
        {
            var (prefix, hash, group, expires) = (reader.GetOrdinal(nameof(CustomerApiKey.Prefix)),
                reader.GetOrdinal(nameof(CustomerApiKey.SecretHash)), reader.GetOrdinal(nameof(CustomerApiKey.GroupId)),
                reader.GetOrdinal(nameof(CustomerApiKey.ExpiresAt)));
            // As the context's converter reads it: every time is UTC.
            return () => new KeyRow(reader.GetString(prefix), reader.GetFieldValue<byte[]>(hash), reader.GetString(group),
                reader.IsDBNull(expires) ? null : DateTime.SpecifyKind(reader.GetDateTime(expires), DateTimeKind.Utc));
        }, ct);

    private readonly record struct KeyRow(string Prefix, byte[] SecretHash, string GroupId, DateTime? ExpiresAt);

    /// <summary>Every key not revoked; an expired one stays, as the request path refuses it by its expiry.</summary>
    private static IQueryable<CustomerApiKey> UnrevokedKeys(FrontierDbContext db) => db.CustomerApiKeys.AsNoTracking();
}
