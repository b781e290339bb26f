using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// A part of the snapshot by string id (the keys by prefix, the groups' policies by id), immutable: a table built whole
/// at the last full build and never written after, and the entries set or removed since, in a small table of their own
/// that each change copies.
/// </summary>
/// <remarks>
/// Why two tables: every call reads a key and a policy, and a change touches one key, or a subtree of a few groups,
/// among up to 1,000,000 keys and 100,000 groups. An <c>ImmutableDictionary</c> updates in O(log n), but each read
/// walks an AVL tree (some 20 levels at 1,000,000) and each entry is a node of about 70 bytes; building a table again
/// on every change costs O(n). Here a read costs one lookup in the built table, plus one in the pending changes while
/// there are any (none after a full load, which every resync is); a change costs a copy of the pending changes, and
/// folding them into a new built table once they pass about 4√n spreads its O(n) over that many changes (100,000
/// groups: at most some 1,300 pending; 1,000,000 keys: 4,000 pending, a copy of some 100 µs, a fold every 4,000).
/// The built table is a plain <see cref="Dictionary{TKey,TValue}"/>, which concurrent readers may share as nothing
/// writes it: at 1,000,000 keys it builds in about 0.1 s and holds an entry in 28 bytes, where a
/// <c>FrozenDictionary</c> took 1.2-2.2 s (its key analysis) and 43 bytes, for reads some 150 ns faster (a cache
/// miss either way; measured on this 2-core machine for issue 16, see docs/PERFORMANCE.md).
/// </remarks>
public sealed class SnapshotTable<TValue> : IReadOnlyDictionary<string, TValue>
    where TValue : class
{
    public static readonly SnapshotTable<TValue> Empty = new(new Dictionary<string, TValue>(StringComparer.Ordinal), [], 0);

    /// <summary>As of the last full build or fold. Never written once published.</summary>
    private readonly Dictionary<string, TValue> built;

    /// <summary>Set since <see cref="built"/> was; null for one removed. Never written once published.</summary>
    private readonly Dictionary<string, TValue?> pending;

    private SnapshotTable(Dictionary<string, TValue> built, Dictionary<string, TValue?> pending, int count)
    {
        this.built = built;
        this.pending = pending;
        Count = count;
    }

    public int Count { get; }

    /// <summary>How many changed entries wait outside the built table (for tests: when it folds them in).</summary>
    public int PendingCount => pending.Count;

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<TValue> Values => this.Select(p => p.Value);

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public static SnapshotTable<TValue> From(IEnumerable<KeyValuePair<string, TValue>> entries) =>
        Build(entries, entries.TryGetNonEnumeratedCount(out var count) ? count : 0);

    /// <summary>A table over <paramref name="built"/> itself (no copy): the caller must never write it again.</summary>
    public static SnapshotTable<TValue> Over(Dictionary<string, TValue> built) =>
        built.Comparer == StringComparer.Ordinal
            ? new SnapshotTable<TValue>(built, [], built.Count)
            : throw new ArgumentException("A snapshot table compares its ids ordinally.", nameof(built));

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        if (pending.Count > 0 && pending.TryGetValue(key, out var changed))
        {
            value = changed;
            return changed is not null;
        }
        return built.TryGetValue(key, out value);
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>A table with <paramref name="set"/> set and <paramref name="removed"/> removed; this one is unchanged.</summary>
    public SnapshotTable<TValue> With(IEnumerable<KeyValuePair<string, TValue>> set, IEnumerable<string> removed)
    {
        var next = new Dictionary<string, TValue?>(pending, StringComparer.Ordinal);
        foreach (var (id, value) in set)
        {
            next[id] = value;
        }
        foreach (var id in removed)
        {
            if (next.ContainsKey(id) || built.ContainsKey(id))
            {
                next[id] = null;
            }
        }
        var count = built.Count;
        foreach (var (id, value) in next)
        {
            count += (built.ContainsKey(id), value is null) switch
            {
                (true, true) => -1,
                (false, false) => 1,
                _ => 0,
            };
        }
        return next.Count > FoldAt(built.Count)
            ? Build(Merge(built, next), count)
            : new SnapshotTable<TValue>(built, next, count);
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => Merge(built, pending).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int FoldAt(int builtCount) => Math.Max(256, 4 * (int)Math.Sqrt(builtCount));

    private static SnapshotTable<TValue> Build(IEnumerable<KeyValuePair<string, TValue>> entries, int capacity)
    {
        var table = new Dictionary<string, TValue>(capacity, StringComparer.Ordinal);
        foreach (var (id, value) in entries)
        {
            table[id] = value;
        }
        return new SnapshotTable<TValue>(table, [], table.Count);
    }

    private static IEnumerable<KeyValuePair<string, TValue>> Merge(Dictionary<string, TValue> built,
        Dictionary<string, TValue?> pending)
    {
        foreach (var entry in built)
        {
            if (!pending.ContainsKey(entry.Key))
            {
                yield return entry;
            }
        }
        foreach (var (id, value) in pending)
        {
            if (value is not null)
            {
                yield return KeyValuePair.Create(id, value);
            }
        }
    }
}
