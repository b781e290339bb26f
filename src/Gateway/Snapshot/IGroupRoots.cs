namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// The root of a group's tree. A shared counter store files every counter of a tree under its root (one Redis hash
/// tag), so a read that names only a group (the usage API, the daily totals) asks here where the counter is.
/// A group's root never changes: the hierarchy is immutable.
/// </summary>
public interface IGroupRoots
{
    /// <summary>The root's id (the group's own for a root); null for a group the snapshot does not know.</summary>
    string? RootOf(string groupId);
}
