namespace FrontierGateway.Data;

/// <summary>A revoked key, with the group it was minted under.</summary>
public readonly record struct RevokedKey(string Prefix, string GroupId);

/// <summary>
/// Tells the data plane that keys were revoked or groups deleted, as soon as that is committed and before the change
/// is published: with the counters in Redis (<c>Limits:Store=Redis</c>) the admission of every host checks what is
/// written here, so a revoked key is refused on its very next request on any host, even one whose snapshot the
/// change bus has not refreshed yet. One host needs nothing of the kind (<see cref="NoRevocations"/>): its snapshot
/// is refreshed before the caller is answered.
/// </summary>
public interface IRevocations
{
    /// <summary>
    /// Records that <paramref name="keys"/> were revoked and <paramref name="groupIds"/> deleted. Never throws for the
    /// store being unreachable: the revocation is committed, and the change bus still carries it.
    /// </summary>
    Task RecordAsync(IReadOnlyList<RevokedKey> keys, IReadOnlyList<string> groupIds, CancellationToken ct = default);
}

/// <summary>One host's <see cref="IRevocations"/>: nothing to record beyond the snapshot the change refreshes.</summary>
internal sealed class NoRevocations : IRevocations
{
    public Task RecordAsync(IReadOnlyList<RevokedKey> keys, IReadOnlyList<string> groupIds, CancellationToken ct = default) =>
        Task.CompletedTask;
}
