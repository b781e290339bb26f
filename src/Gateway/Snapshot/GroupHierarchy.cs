namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// Each group's parent and children, as of the current snapshot: what finds the descendants a group change reaches
/// without reading every group. Written only by <see cref="SnapshotStore"/> under its writer lock, never read by
/// the request path, so it is plain mutable dictionaries.
/// </summary>
internal sealed class GroupHierarchy
{
    private readonly Dictionary<string, string?> parents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> children = new(StringComparer.Ordinal);

    public GroupHierarchy(IEnumerable<KeyValuePair<string, string?>> parentOf)
    {
        foreach (var (id, parent) in parentOf)
        {
            Set(id, parent);
        }
    }

    public int Count => parents.Count;

    /// <summary>Adds the group, or moves it under <paramref name="parent"/>.</summary>
    public void Set(string id, string? parent)
    {
        if (parents.TryGetValue(id, out var old))
        {
            if (old == parent)
            {
                return;
            }
            RemoveChild(old, id);
        }
        parents[id] = parent;
        if (parent is not null)
        {
            if (!children.TryGetValue(parent, out var siblings))
            {
                children[parent] = siblings = new HashSet<string>(StringComparer.Ordinal);
            }
            siblings.Add(id);
        }
    }

    /// <summary>Removes the group; its children, if any are left, keep their entries until they are removed too.</summary>
    public void Remove(string id)
    {
        if (parents.Remove(id, out var parent))
        {
            RemoveChild(parent, id);
        }
    }

    /// <summary>The given groups and all their known descendants, each once (an unknown id too: a new group).</summary>
    public HashSet<string> SubtreesOf(IEnumerable<string> ids)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var level = new Stack<string>(ids);
        while (level.TryPop(out var id))
        {
            if (found.Add(id) && children.TryGetValue(id, out var below))
            {
                foreach (var child in below)
                {
                    level.Push(child);
                }
            }
        }
        return found;
    }

    private void RemoveChild(string? parent, string id)
    {
        if (parent is not null && children.TryGetValue(parent, out var siblings) && siblings.Remove(id) && siblings.Count == 0)
        {
            children.Remove(parent);
        }
    }
}
