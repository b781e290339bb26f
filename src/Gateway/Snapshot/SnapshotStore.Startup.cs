using System.Collections.Concurrent;
using FrontierGateway.Data;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// The store's start: the first whole read, and while it outlasts <c>Gateway:StartupWaitSeconds</c>, the host listening
/// all the same, a called key and its group read from the database on their first call (warming).
/// </summary>
internal sealed partial class SnapshotStore
{
    private readonly TimeSpan startupWait;

    /// <summary>Cancels the first whole read when the host stops before it ends.</summary>
    private readonly CancellationTokenSource stopping = new();
    private Task firstRead = Task.CompletedTask;

    /// <summary>
    /// While warming, every live group's root as of the start: the Redis counters' names, and the daily totals raised at
    /// start, need the root of groups no call has read yet. Never written once published; null once loaded.
    /// </summary>
    private volatile Dictionary<string, string>? warmingRoots;

    /// <summary>How many times the first whole read has failed while the host listened.</summary>
    private int firstReadFailures;

    /// <summary>The first whole read's state: <see cref="Starting"/>, <see cref="Warming"/> or <see cref="StartFailed"/>.</summary>
    private int firstReadState;

    /// <summary>
    /// While warming, the prefixes found to be no live key (or a key whose group is deleted): a caller repeating one
    /// reads the database once, not once a call (a key minted meanwhile is applied to the snapshot as a change, so it is not missed).
    /// </summary>
    private readonly ConcurrentDictionary<string, byte> absent = new(StringComparer.Ordinal);
    private const int MaxAbsent = 100_000;
    private const int Starting = 0;
    private const int Warming = 1;
    private const int StartFailed = 2;

    /// <summary>
    /// Whether the host listens while its first whole read still runs: a key not in the snapshot may then be one not
    /// read yet (<see cref="WarmAsync"/>).
    /// </summary>
    public bool IsWarming => !loaded && Volatile.Read(ref firstReadState) == Warming;

    /// <summary>How many times the first whole read has failed while the host listened (0 once it has not).</summary>
    public int FirstReadFailures => Volatile.Read(ref firstReadFailures);

    /// <summary>
    /// Reads the whole snapshot; when that outlasts <see cref="GatewayOptions.StartupWaitSeconds"/>, reads the endpoints
    /// alone and returns, the read going on (and, should it fail from then on, tried again) while the host listens. A
    /// read that fails within the wait fails the start, as it always did.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Listening first: a change another host commits while this one loads is then applied after the load.
        await changes.ListenAsync(cancellationToken);
        // The wait counts from the read's start: SQLite's reads run synchronously on the caller, up to its first await.
        var waited = Task.Delay(startupWait, time, cancellationToken);
        firstRead = ReadFirstAsync(stopping.Token);
        if (await Task.WhenAny(firstRead, waited) == waited)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await stopping.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (!firstRead.IsCompleted && Interlocked.CompareExchange(ref firstReadState, Warming, Starting) == Starting)
            {
                try
                {
                    warmingRoots = await loader.LoadRootsAsync(cancellationToken);
                    await ApplyAsync(ChangeSet.EndpointsChanged, cancellationToken);
                }
                catch
                {
                    // The start fails: no read goes on behind a host that never listened.
                    await stopping.CancelAsync();
                    throw;
                }
                LogWarming(logger, (long)startupWait.TotalMilliseconds);
                return;
            }
        }
        await firstRead;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        try
        {
            await firstRead.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception) when (firstRead.IsFaulted)
        {
            // It failed the start, which reported it.
        }
    }

    /// <summary>The first whole read: tried again, a few seconds apart, while the host already listens.</summary>
    private async Task ReadFirstAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ReloadAsync(ct);
                warmingRoots = null;
                absent.Clear();
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested
                && Interlocked.CompareExchange(ref firstReadState, StartFailed, Starting) == Warming)
            {
                Interlocked.Increment(ref firstReadFailures);
                LogFirstReadFailed(logger, e, attempt);
            }
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 2 * attempt)), time, ct);
        }
    }

    /// <summary>
    /// While the host listens before its first whole read has ended (<see cref="IsWarming"/>): the key of
    /// <paramref name="prefix"/> read from the database into the snapshot, with its group's policy, when it is a live
    /// key not read yet. The snapshot to check the call against; null when the database could not be read (logged).
    /// </summary>
    /// <remarks>
    /// Not a change: the whole read brings the same rows, and a change made meanwhile is applied again after it. The
    /// group's ancestors go into the hierarchy, so that a change to one of them reaches its policy before then.
    /// </remarks>
    public async Task<GatewaySnapshot?> WarmAsync(string prefix, CancellationToken ct)
    {
        var seen = current;
        if (seen.Keys.TryGetValue(prefix, out var known) && seen.Groups.ContainsKey(known.GroupId))
        {
            // Read already: a wrong secret or an expired key, not one to read again.
            return seen;
        }
        if (absent.ContainsKey(prefix))
        {
            return seen;
        }
        await writer.WaitAsync(ct);
        try
        {
            var next = current;
            if (!IsWarming)
            {
                return next;
            }
            // A key minted meanwhile is in the snapshot (its change was applied) without its group.
            if (!next.Keys.TryGetValue(prefix, out var key))
            {
                var keys = await loader.RefreshKeysAsync(next.Keys, [prefix], ct);
                if (!keys.TryGetValue(prefix, out key))
                {
                    Remember(prefix);
                    return next;
                }
                next = next with { Keys = keys };
            }
            if (!next.Groups.ContainsKey(key.GroupId))
            {
                next = next with { Groups = await RefreshGroupsAsync(next.Groups, [key.GroupId], ct) };
                if (!next.Groups.ContainsKey(key.GroupId))
                {
                    // A key whose group is deleted (its rows left behind): not read again on each of its calls.
                    Remember(prefix);
                }
            }
            current = next;
            return next;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWarmFailed(logger, e);
            return null;
        }
        finally
        {
            writer.Release();
        }
    }

    /// <summary>Notes a prefix that is no key a call can use, until the first whole read ends (up to <see cref="MaxAbsent"/>).</summary>
    private void Remember(string prefix)
    {
        if (absent.Count < MaxAbsent)
        {
            absent.TryAdd(prefix, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The snapshot's first whole read outlasted Gateway:StartupWaitSeconds ({Milliseconds} ms): the host listens, reading each key not read yet on its first call, until the read ends.")]
    private static partial void LogWarming(ILogger logger, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading a called key the snapshot lacks while its first whole read runs failed; the call is answered 503.")]
    private static partial void LogWarmFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "The snapshot's first whole read failed (attempt {Attempt}); it is tried again.")]
    private static partial void LogFirstReadFailed(ILogger logger, Exception e, int attempt);
}
