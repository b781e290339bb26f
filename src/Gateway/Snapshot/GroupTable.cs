using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// The groups' policies by id, immutable: a frozen table as of the last full build, and the policies set or removed
/// since, in a small table of their own that each change copies.
/// </summary>
/// <remarks>
/// Why two tables: every call reads a policy, and a change touches a subtree of a few groups among up to 100,000.
/// A <see cref="FrozenDictionary{TKey,TValue}"/> reads fastest but costs O(n) (and its key analysis) to build again
/// on every change; an <c>ImmutableDictionary</c> updates in O(log n) but each read walks an AVL tree, some 17
/// levels at 100,000. Here a read costs one frozen lookup, plus one <see cref="Dictionary{TKey,TValue}"/> lookup
/// while changes are pending (none after a full load, which every resync is); a change costs a copy of the pending
/// changes, and folding them into a new frozen table once they pass about 4√n spreads its O(n) over that many
/// changes (at 100,000 groups: at most some 1,300 pending, a copy of tens of microseconds).
/// </remarks>
public sealed class GroupTable : IReadOnlyDictionary<string, GroupPolicy>
{
    public static readonly GroupTable Empty = new(FrozenDictionary<string, GroupPolicy>.Empty, [], 0);

    private readonly FrozenDictionary<string, GroupPolicy> frozen;

    /// <summary>Set since <see cref="frozen"/> was built; null for one removed. Never written once published.</summary>
    private readonly Dictionary<string, GroupPolicy?> pending;

    private GroupTable(FrozenDictionary<string, GroupPolicy> frozen, Dictionary<string, GroupPolicy?> pending, int count)
    {
        this.frozen = frozen;
        this.pending = pending;
        Count = count;
    }

    public int Count { get; }

    /// <summary>How many changed entries wait outside the frozen table (for tests: when it folds them in).</summary>
    public int PendingCount => pending.Count;

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<GroupPolicy> Values => this.Select(p => p.Value);

    public GroupPolicy this[string key] => TryGetValue(key, out var policy) ? policy : throw new KeyNotFoundException(key);

    public static GroupTable From(IEnumerable<KeyValuePair<string, GroupPolicy>> policies)
    {
        var table = policies.ToFrozenDictionary(StringComparer.Ordinal);
        return new GroupTable(table, [], table.Count);
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out GroupPolicy value)
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
    public GroupTable With(IEnumerable<KeyValuePair<string, GroupPolicy>> set, IEnumerable<string> removed)
    {
        var next = new Dictionary<string, GroupPolicy?>(pending, StringComparer.Ordinal);
        foreach (var (id, policy) in set)
        {
            next[id] = policy;
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
        foreach (var (id, policy) in next)
        {
            count += (frozen.ContainsKey(id), policy is null) switch
            {
                (true, true) => -1,
                (false, false) => 1,
                _ => 0,
            };
        }
        return new GroupTable(frozen, next, count);
    }

    public IEnumerator<KeyValuePair<string, GroupPolicy>> GetEnumerator() => Merge(frozen, pending).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int FoldAt(int frozenCount) => Math.Max(256, 4 * (int)Math.Sqrt(frozenCount));

    private static IEnumerable<KeyValuePair<string, GroupPolicy>> Merge(FrozenDictionary<string, GroupPolicy> frozen,
        Dictionary<string, GroupPolicy?> pending)
    {
        foreach (var entry in frozen)
        {
            if (!pending.ContainsKey(entry.Key))
            {
                yield return entry;
            }
        }
        foreach (var (id, policy) in pending)
        {
            if (policy is not null)
            {
                yield return KeyValuePair.Create(id, policy);
            }
        }
    }
}
