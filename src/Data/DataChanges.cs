using Microsoft.Extensions.Logging;

namespace FrontierGateway.Data;

/// <summary>
/// The change bus of one host: every committed change runs the subscribers in process before the write's caller
/// gets its answer. A shared bus (<c>RedisChangeBus</c>) delivers through this one on each host.
/// </summary>
public sealed partial class DataChanges(ILogger<DataChanges> logger) : IChangeBus
{
    private readonly List<Func<ChangeSet, CancellationToken, Task>> handlers = [];

    public void Subscribe(Func<ChangeSet, CancellationToken, Task> handler)
    {
        lock (handlers)
        {
            handlers.Add(handler);
        }
    }

    public Task PublishAsync(ChangeSet change, CancellationToken ct = default) =>
        ApplyCommittedAsync(change).WaitAsync(ct);

    public Task ListenAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Runs every handler, one after the other; <paramref name="ct"/> is theirs (the host stopping).</summary>
    public async Task DeliverAsync(ChangeSet change, CancellationToken ct)
    {
        foreach (var handler in Handlers())
        {
            await handler(change, ct);
        }
    }

    /// <summary>
    /// Runs every handler on a change this host just committed. One that fails is logged and the others still run:
    /// the write is in the database, so its caller gets its answer (a 500 would have it retried and made twice), and
    /// the change journal's catch-up applies what the handler did not (the snapshot's asks for one at once).
    /// </summary>
    private async Task ApplyCommittedAsync(ChangeSet change)
    {
        foreach (var handler in Handlers())
        {
            try
            {
                await handler(change, CancellationToken.None);
            }
            catch (Exception e)
            {
                LogApplyFailed(logger, e, change.GroupIds.Count, change.KeyPrefixes.Count, change.Endpoints);
            }
        }
    }

    private Func<ChangeSet, CancellationToken, Task>[] Handlers()
    {
        lock (handlers)
        {
            return [.. handlers];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying a committed change ({Groups} groups, {Keys} keys, endpoints: {Endpoints}) "
        + "on this host failed; its caller is answered, and the next catch-up with the change journal applies it.")]
    private static partial void LogApplyFailed(ILogger logger, Exception e, int groups, int keys, bool endpoints);
}
