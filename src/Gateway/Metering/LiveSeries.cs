namespace FrontierGateway.Gateway.Metering;

/// <summary>What the data plane saw of one call, as the live view counts it.</summary>
internal enum LiveOutcome
{
    /// <summary>Admitted and answered with a 2xx.</summary>
    Completed,

    /// <summary>Refused by a limit with 429: never forwarded.</summary>
    Refused,

    /// <summary>Admitted, but the upstream failed or answered an error status.</summary>
    Failed,
}

/// <summary>
/// One series of the live view (the workspace, a group, a slug, or a group's slug): a ring of one-second slots.
/// Writers add with interlocked operations and no allocation; a slot reused for a new second is reset under its
/// own lock, once. Readers take each counter atomically; the second being written may still grow.
/// </summary>
internal sealed class LiveSeries
{
    /// <summary>The history kept, plus the minute before its first second so that rolling sums start full.</summary>
    public const int Slots = LiveUsage.HistorySeconds + LiveUsage.RollingSeconds;

    private readonly Slot?[] slots = new Slot?[Slots];
    private long lastSecond = long.MinValue;

    /// <summary>The last second that received a call: a series idle for longer than its history is dropped.</summary>
    public long LastSecond => Volatile.Read(ref lastSecond);

    public void Add(long second, LiveOutcome outcome, long tokens, int latencyBucket)
    {
        var slot = SlotFor(second);
        Interlocked.Increment(ref slot.Requests);
        if (outcome == LiveOutcome.Refused)
        {
            Interlocked.Increment(ref slot.Refused);
            return;
        }
        if (outcome == LiveOutcome.Failed)
        {
            Interlocked.Increment(ref slot.Failed);
        }
        if (tokens != 0)
        {
            Interlocked.Add(ref slot.Tokens, tokens);
        }
        Interlocked.Increment(ref slot.Latency[latencyBucket]);
    }

    /// <summary>Adds a whole second's counts (another host's), as interlocked additions like a call's.</summary>
    public void Add(long second, Slot counts)
    {
        var slot = SlotFor(second);
        Interlocked.Add(ref slot.Requests, counts.Requests);
        Interlocked.Add(ref slot.Refused, counts.Refused);
        Interlocked.Add(ref slot.Failed, counts.Failed);
        Interlocked.Add(ref slot.Tokens, counts.Tokens);
        for (var bucket = 0; bucket < counts.Latency.Length; bucket++)
        {
            if (counts.Latency[bucket] != 0)
            {
                Interlocked.Add(ref slot.Latency[bucket], counts.Latency[bucket]);
            }
        }
    }

    /// <summary>Adds <paramref name="counts"/> to a slot no writer shares (a sum being built for a reader).</summary>
    public static void AddTo(Slot sum, Slot counts)
    {
        sum.Requests += Volatile.Read(ref counts.Requests);
        sum.Refused += Volatile.Read(ref counts.Refused);
        sum.Failed += Volatile.Read(ref counts.Failed);
        sum.Tokens += Volatile.Read(ref counts.Tokens);
        for (var bucket = 0; bucket < counts.Latency.Length; bucket++)
        {
            sum.Latency[bucket] += Volatile.Read(ref counts.Latency[bucket]);
        }
    }

    /// <summary>The slot holding <paramref name="second"/>, or null when that second saw no call or has been overwritten.</summary>
    public Slot? Read(long second)
    {
        var slot = slots[Index(second)];
        return slot is not null && Volatile.Read(ref slot.Second) == second ? slot : null;
    }

    private Slot SlotFor(long second)
    {
        var index = Index(second);
        var slot = slots[index];
        if (slot is null)
        {
            // The one allocation of a slot's lifetime; a slot is then reused every Slots seconds.
            Interlocked.CompareExchange(ref slots[index], new Slot(), null);
            slot = slots[index]!;
        }
        if (Volatile.Read(ref slot.Second) != second)
        {
            Reset(slot, second);
        }
        return slot;
    }

    private void Reset(Slot slot, long second)
    {
        lock (slot)
        {
            if (slot.Second == second)
            {
                return;
            }
            slot.Requests = slot.Refused = slot.Failed = slot.Tokens = 0;
            Array.Clear(slot.Latency);
            // Published last: a writer that sees the new second adds to cleared counters.
            Volatile.Write(ref slot.Second, second);
        }
        if (second > Volatile.Read(ref lastSecond))
        {
            Volatile.Write(ref lastSecond, second);
        }
    }

    private static int Index(long second) => (int)(((second % Slots) + Slots) % Slots);

    /// <summary>The counts of one second.</summary>
    internal sealed class Slot
    {
        public long Second = long.MinValue;
        public long Requests;
        public long Refused;
        public long Failed;
        public long Tokens;
        public readonly int[] Latency = new int[LatencyBuckets.Count];
    }
}
