using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// A call settled on this host and not yet written to Redis: its tokens, what it reserved when (µs since 1970), and the
/// days its tokens may count on (the host's when it ended, and the reservation's).
/// </summary>
internal readonly record struct PendingSettlement(RedisPolicy Policy, long Tokens, long Reserved, long At, DateOnly Day,
    DateOnly? ReservedDay);

/// <summary>
/// The settlements of <see cref="RedisCounterStore"/> that wait to be written, per group tree. The next admission on
/// the same tree on this host takes them along in its own script, so a call costs Redis one script, not two; a tree
/// with no admission for <see cref="DefaultDelay"/> has them written by a script of their own. Until then a settled call's
/// reservation still counts: on this host's own next call of the tree never (it settles them first), on other hosts'
/// at most about that long more than before, which counts against the caller, never for it.
/// </summary>
/// <remarks>
/// Holding a settlement back moves nothing but when it is written: what a call did not use goes back to the segment
/// it was reserved in, whenever that is (as long as the segment is still in its window, as before). Only two things
/// depend on the moment: a call's tokens beyond its reservation count on a SECOND or MINUTE window from when they
/// are written (so such a settle is written at once: <see cref="RedisPolicy.HasTokenWindows"/>), and the tokens count
/// on Redis's day as they are written (a call ended in the last milliseconds before midnight UTC may count on the next
/// day). A host that stops gracefully writes what it holds; one that dies loses it, as it loses its calls under way:
/// their reservations leave their SECOND and MINUTE windows with them, and on a DAY counter count as reserved until
/// <c>Limits:ReservationTtlSeconds</c>, then as used (<see cref="CounterScripts"/>, <c>lapse</c>). So a day counter never
/// counts less than the calls of a dead host used, only more: what they reserved and did not use.
/// </remarks>
internal sealed class RedisSettlements : IAsyncDisposable
{
    /// <summary>How long a settlement waits for an admission on its tree before it is written on its own: 10 ms.</summary>
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromMilliseconds(10);

    private readonly ConcurrentDictionary<string, Tree> trees = new(StringComparer.Ordinal);
    private readonly Func<List<PendingSettlement>, Task> write;
    private readonly Timer timer;
    private int armed;

    /// <summary><see cref="DefaultDelay"/>; tests set another.</summary>
    public TimeSpan Delay { get; set; } = DefaultDelay;

    /// <param name="write">
    /// Writes one tree's settlements in a script of their own, sending it before it returns (see <see cref="Send"/>);
    /// never throws.
    /// </param>
    public RedisSettlements(Func<List<PendingSettlement>, Task> write)
    {
        this.write = write;
        timer = new Timer(_ => WriteDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Add(PendingSettlement settlement)
    {
        var tree = trees.GetOrAdd(settlement.Policy.Root, static _ => new Tree());
        lock (tree.Gate)
        {
            if (tree.Calls.Count == 0)
            {
                tree.Since = Stopwatch.GetTimestamp();
            }
            tree.Calls.Add(settlement);
        }
        Arm(Delay);
    }

    /// <summary>
    /// Takes the tree's settlements (null when there are none) and hands them to <paramref name="send"/>, which must send
    /// its command before it returns (the task is its answer): one tree's sends go out in the order they take, so that
    /// a call of this host never reaches Redis before a settlement this host took earlier.
    /// </summary>
    public TTask Send<TState, TTask>(string root, TState state, Func<List<PendingSettlement>?, TState, TTask> send)
        where TTask : Task
    {
        var tree = trees.GetOrAdd(root, static _ => new Tree());
        lock (tree.Gate)
        {
            List<PendingSettlement>? calls = null;
            if (tree.Calls.Count > 0)
            {
                calls = tree.Calls;
                tree.Calls = [];
            }
            return send(calls, state);
        }
    }

    /// <summary>
    /// Appends <paramref name="calls"/> as the scripts' <c>settle</c> takes them (<see cref="CounterScripts"/>): the
    /// number of policies, then each policy's header and calls; and the policies' keys.
    /// </summary>
    public static void Append(List<PendingSettlement>? calls, List<RedisKey> keys, List<RedisValue> arguments)
    {
        if (calls is null)
        {
            arguments.Add(0);
            return;
        }
        var count = arguments.Count;
        arguments.Add(0);
        var policies = 0;
        for (var i = 0; i < calls.Count; i++)
        {
            var policy = calls[i].Policy;
            if (calls.FindIndex(0, i, c => c.Policy == policy) >= 0)
            {
                continue;
            }
            policies++;
            keys.AddRange(policy.SettleKeys);
            arguments.AddRange(policy.SettleHeader);
            var header = arguments.Count;
            arguments.Add(0);
            var mine = 0;
            for (var j = i; j < calls.Count; j++)
            {
                if (calls[j].Policy == policy)
                {
                    arguments.Add(calls[j].Tokens);
                    arguments.Add(calls[j].Reserved);
                    arguments.Add(calls[j].At);
                    mine++;
                }
            }
            arguments[header] = mine;
        }
        arguments[count] = policies;
    }

    /// <summary>Writes every settlement held now.</summary>
    public async Task FlushAsync()
    {
        foreach (var root in trees.Keys)
        {
            await Send(root, write, static (calls, write) => calls is null ? Task.CompletedTask : write(calls));
        }
    }

    /// <summary>Writes every settlement held, and holds no more: the host is stopping.</summary>
    public async ValueTask DisposeAsync()
    {
        await timer.DisposeAsync();
        await FlushAsync();
    }

    private void Arm(TimeSpan after)
    {
        if (Interlocked.Exchange(ref armed, 1) == 0)
        {
            timer.Change(after, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Writes the trees whose oldest settlement has waited <see cref="Delay"/>; comes back for the others.</summary>
    private void WriteDue()
    {
        // Disarmed before the look: a settlement added from here on arms the timer again, or is seen below.
        Volatile.Write(ref armed, 0);
        var now = Stopwatch.GetTimestamp();
        TimeSpan? next = null;
        foreach (var tree in trees.Values)
        {
            lock (tree.Gate)
            {
                if (tree.Calls.Count == 0)
                {
                    continue;
                }
                var waited = Stopwatch.GetElapsedTime(tree.Since, now);
                if (waited >= Delay)
                {
                    // Sent under the tree's lock, in order with its admissions (see Send).
                    _ = write(tree.Calls);
                    tree.Calls = [];
                }
                else if (next is null || Delay - waited < next)
                {
                    next = Delay - waited;
                }
            }
        }
        if (next is { } after)
        {
            Arm(after);
        }
    }

    private sealed class Tree
    {
        public Lock Gate { get; } = new();

        public List<PendingSettlement> Calls { get; set; } = [];

        /// <summary>When the oldest of <see cref="Calls"/> was added (<see cref="Stopwatch"/> ticks).</summary>
        public long Since { get; set; }
    }
}
