using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// A part of the snapshot by string id (the keys by prefix, the groups' policies by id), immutable: a frozen table as
/// of the last full build, and the entries set or removed since, in a small table of their own that each change copies.
/// </summary>
/// <remarks>
/// Why two tables: every call reads a key and a policy, and a change touches one key, or a subtree of a few groups,
/// among up to 1,000,000 keys and 100,000 groups.
/// A <see cref="FrozenDictionary{TKey,TValue}"/> reads fastest but costs O(n) (and its key analysis) to build again
/// on every change; an <c>ImmutableDictionary</c> updates in O(log n) but each read walks an AVL tree, some 17
/// levels at 100,000. Here a read costs one frozen lookup, plus one <see cref="Dictionary{TKey,TValue}"/> lookup
/// while changes are pending (none after a full load, which every resync is); a change costs a copy of the pending
/// changes, and folding them into a new frozen table once they pass about 4√n spreads its O(n) over that many
/// changes (at 100,000 groups: at most some 1,300 pending, a copy of tens of microseconds; at 1,000,000 keys: 4,000
/// pending, and a fold of about a second every 4,000 key changes). Against an <c>ImmutableDictionary</c> of 1,000,000
/// keys the frozen table also holds each entry in some 28 bytes instead of an AVL node of about 70.
/// </remarks>
public sealed class SnapshotTable<TValue> : IReadOnlyDictionary<string, TValue>
    where TValue : class
{
    public static readonly SnapshotTable<TValue> Empty = new(FrozenDictionary<string, TValue>.Empty, [], 0);

    private readonly FrozenDictionary<string, TValue> frozen;

    /// <summary>Set since <see cref="frozen"/> was built; null for one removed. Never written once published.</summary>
    private readonly Dictionary<string, TValue?> pending;

    private SnapshotTable(FrozenDictionary<string, TValue> frozen, Dictionary<string, TValue?> pending, int count)
    {
        this.frozen = frozen;
        this.pending = pending;
        Count = count;
    }

    public int Count { get; }

    /// <summary>How many changed entries wait outside the frozen table (for tests: when it folds them in).</summary>
    public int PendingCount => pending.Count;

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<TValue> Values => this.Select(p => p.Value);

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public static SnapshotTable<TValue> From(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        var table = entries.ToFrozenDictionary(StringComparer.Ordinal);
        return new SnapshotTable<TValue>(table, [], table.Count);
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        if (pending.Count > 0 && pending.TryGetValue(key, out var changed))
        {
            value = changed;
            return changed is not null;
        }
        return frozen.TryGetValue(key, out value);
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
            if (next.ContainsKey(id) || frozen.ContainsKey(id))
            {
                next[id] = null;
            }
        }
        if (next.Count > FoldAt(frozen.Count))
        {
            return From(Merge(frozen, next));
        }
        var count = frozen.Count;
        foreach (var (id, value) in next)
        {
            count += (frozen.ContainsKey(id), value is null) switch
            {
                (true, true) => -1,
                (false, false) => 1,
                _ => 0,
            };
        }
        return new SnapshotTable<TValue>(frozen, next, count);
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => Merge(frozen, pending).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int FoldAt(int frozenCount) => Math.Max(256, 4 * (int)Math.Sqrt(frozenCount));

    private static IEnumerable<KeyValuePair<string, TValue>> Merge(FrozenDictionary<string, TValue> frozen,
        Dictionary<string, TValue?> pending)
    {
        foreach (var entry in frozen)
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
