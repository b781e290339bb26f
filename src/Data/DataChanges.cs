namespace FrontierGateway.Data;

/// <summary>
/// The change bus of one host: every committed change runs the subscribers in process before the write's caller
/// gets its answer. A shared bus (<c>RedisChangeBus</c>) delivers through this one on each host.
/// </summary>
public sealed class DataChanges : IChangeBus
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
        DeliverAsync(change, CancellationToken.None).WaitAsync(ct);

    public Task ListenAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Runs every handler, one after the other; <paramref name="ct"/> is theirs (the host stopping).</summary>
    public async Task DeliverAsync(ChangeSet change, CancellationToken ct)
    {
        Func<ChangeSet, CancellationToken, Task>[] current;
        lock (handlers)
        {
            current = [.. handlers];
        }
        foreach (var handler in current)
        {
            await handler(change, ct);
        }
    }
}
