namespace FrontierGateway.Data;

/// <summary>What a committed write changed; each host refreshes its snapshot from it.</summary>
/// <param name="All">Everything may have changed: the snapshot is read again whole (a host that may have missed changes).</param>
public sealed record ChangeSet(IReadOnlyList<string> GroupIds, IReadOnlyList<string> KeyPrefixes, bool Endpoints, bool All = false)
{
    /// <summary>
    /// Every key of <see cref="KeyPrefixes"/> was revoked (a revocation, a group's deletion): they are taken out of a
    /// snapshot before anything is read, so that a refresh that fails leaves none of them usable. Not journaled: a
    /// catch-up reads the keys' rows.
    /// </summary>
    public bool KeysRevoked { get; init; }

    public static ChangeSet Groups(params IReadOnlyList<string> ids) => new(ids, [], false);
    public static ChangeSet Keys(params IReadOnlyList<string> prefixes) => new([], prefixes, false);
    public static readonly ChangeSet EndpointsChanged = new([], [], true);
    public static readonly ChangeSet Everything = new([], [], true, true);
}

/// <summary>
/// Tells every host of a committed change, so that each refreshes its snapshot. One host: <see cref="DataChanges"/>,
/// in process. Several hosts (<c>Redis:Configuration</c> set): <c>RedisChangeBus</c>, over Redis pub/sub. Each change
/// is also written to the <see cref="ChangeJournal"/> with the write itself, which every host catches up with every
/// <c>Gateway:ResyncSeconds</c>: the safety net for a lost message.
/// </summary>
public interface IChangeBus
{
    /// <summary>Adds what this host runs for every change: its own and, on a shared bus, the other hosts'.</summary>
    void Subscribe(Func<ChangeSet, CancellationToken, Task> handler);

    /// <summary>
    /// Runs this host's handlers before it returns, so that the caller's next request meets the change here (a
    /// revoked key is refused at once), then tells the other hosts. <paramref name="ct"/> only stops the caller
    /// waiting: the refresh itself runs to the end, as the change is committed and a refresh cut short would leave
    /// the data plane serving what was changed. A handler that fails is logged, not thrown: the change is committed,
    /// so its caller gets its answer, and the change journal's next catch-up applies it here.
    /// </summary>
    Task PublishAsync(ChangeSet change, CancellationToken ct = default);

    /// <summary>
    /// Starts hearing the other hosts' changes (a host alone has none to hear). The snapshot calls it before it
    /// loads, so that no change committed in between goes unheard.
    /// </summary>
    Task ListenAsync(CancellationToken ct);
}
