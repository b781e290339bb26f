namespace FrontierGateway.Data.Groups;

/// <summary>The one walk up a tree of groups, over groups in memory or loaded one parent at a time.</summary>
public static class GroupChain
{
    /// <summary>
    /// <paramref name="start"/> first, then its parent, up to the root. A parent that <paramref name="find"/> does not
    /// know (deleted, or not loaded) ends the chain. At most <see cref="HierarchyRules.MaxDepth"/> long, so that
    /// stored data that broke the rules (a cycle) cannot make it loop.
    /// </summary>
    /// <param name="parentOf">The parent id of an item, null for a root.</param>
    /// <param name="find">The item with an id, or null; a database query or a dictionary read.</param>
    public static async Task<List<T>> WalkAsync<T>(T start, Func<T, string?> parentOf, Func<string, Task<T?>> find)
        where T : class
    {
        var chain = new List<T> { start };
        while (chain.Count < HierarchyRules.MaxDepth && parentOf(chain[^1]) is { } parentId
            && await find(parentId) is { } parent)
        {
            chain.Add(parent);
        }
        return chain;
    }

    /// <summary>The same walk over items already in memory, by id: synchronous, as a snapshot's whole read walks every group.</summary>
    public static List<T> Walk<T>(T start, Func<T, string?> parentOf, IReadOnlyDictionary<string, T> byId)
        where T : class
    {
        var chain = new List<T> { start };
        while (chain.Count < HierarchyRules.MaxDepth && parentOf(chain[^1]) is { } parentId
            && byId.TryGetValue(parentId, out var parent))
        {
            chain.Add(parent);
        }
        return chain;
    }
}
