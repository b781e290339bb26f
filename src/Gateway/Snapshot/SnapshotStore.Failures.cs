using System.Diagnostics;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// What a failed refresh leaves behind: a signal that has <see cref="SnapshotResync"/> catch up at once, and the state
/// readiness shows until a catch-up or a whole read has succeeded since.
/// </summary>
internal sealed partial class SnapshotStore
{
    /// <summary>
    /// Completes when a change's refresh has failed since <see cref="ClearBehind"/>: <see cref="SnapshotResync"/> then
    /// catches up at once instead of at its next period.
    /// </summary>
    public Task Behind => Volatile.Read(ref behind).Task;

    /// <summary>
    /// Whether a change's refresh failed and no catch-up or whole read begun since has succeeded: this host may still
    /// serve what a committed change replaced (readiness shows it, Degraded).
    /// </summary>
    public bool RefreshFailed => Volatile.Read(ref failedAt) != 0;

    /// <summary>When a change's refresh last failed (a Stopwatch timestamp), until a later catch-up or read succeeds; 0 none.</summary>
    private long failedAt;

    /// <summary>A change could not be applied: readiness Degraded, and the resync asked to catch up at once.</summary>
    private void Failed()
    {
        Volatile.Write(ref failedAt, Stopwatch.GetTimestamp());
        behind.TrySetResult();
    }

    /// <summary>Marks the host up to date with what had failed before <paramref name="started"/>.</summary>
    private void Recovered(long started)
    {
        var failed = Volatile.Read(ref failedAt);
        if (failed != 0 && failed < started)
        {
            Interlocked.CompareExchange(ref failedAt, 0, failed);
        }
    }

    /// <summary>Called as a resync begins: what failed before it is in the journal (or the whole read) it reads.</summary>
    public void ClearBehind()
    {
        if (behind.Task.IsCompleted)
        {
            Volatile.Write(ref behind, new(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    private TaskCompletionSource behind = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
