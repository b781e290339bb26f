namespace FrontierGateway.Data;

/// <summary>What a committed write changed; the data plane refreshes its snapshot from it.</summary>
public sealed record ChangeSet(IReadOnlyList<string> GroupIds, IReadOnlyList<string> KeyPrefixes, bool Endpoints)
{
    public static ChangeSet Groups(params IReadOnlyList<string> ids) => new(ids, [], false);
    public static ChangeSet Keys(params IReadOnlyList<string> prefixes) => new([], prefixes, false);
    public static readonly ChangeSet EndpointsChanged = new([], [], true);
}

/// <summary>
/// Tells subscribers of every committed change before the write's caller gets its answer, so that a
/// revoked key is refused on the very next request.
/// </summary>
public sealed class DataChanges
{
    private readonly List<Func<ChangeSet, CancellationToken, Task>> handlers = [];

    public void Subscribe(Func<ChangeSet, CancellationToken, Task> handler)
    {
        lock (handlers)
        {
            handlers.Add(handler);
        }
    }

    /// <summary>
    /// Runs every handler to the end. It takes no cancellation token on purpose: the change is committed, and a
    /// refresh cut short by the caller's aborted request would leave the data plane serving what was changed (a
    /// revoked key still let in).
    /// </summary>
    public async Task PublishAsync(ChangeSet change)
    {
        Func<ChangeSet, CancellationToken, Task>[] current;
        lock (handlers)
        {
            current = [.. handlers];
        }
        foreach (var handler in current)
        {
            await handler(change, CancellationToken.None);
        }
    }
}
