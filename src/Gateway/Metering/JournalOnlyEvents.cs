using FrontierGateway.Gateway.Metering.Journal;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// The usage events the write-behind left in the journal only, because its queue was at
/// <see cref="GatewayOptions.UsageQueueLimit"/> (a database slow or down for long): counted by the segment each call was
/// admitted into (which they hold until stored), with the segments their lines are in. Once one is left there, every
/// event is, until the writer takes them all (<see cref="Take"/>) with the queue drained; new events are queued again.
/// </summary>
internal sealed class JournalOnlyEvents(int queueLimit)
{
    private readonly Lock gate = new();
    private volatile bool leaving;
    private Dictionary<JournalSegment, int> admissions = [];
    private HashSet<JournalSegment> lines = [];
    private int count;

    /// <summary>Events left in the journal and not yet stored from it (those taken included, until <see cref="Stored"/>).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return count;
            }
        }
    }

    /// <summary>
    /// Leaves the event in the journal when the queue is at its limit (<paramref name="queued"/>) or events are being
    /// left there already; <paramref name="started"/> when this one started it.
    /// </summary>
    public bool TryLeave(int queued, JournalSegment admittedIn, JournalSegment completedIn, out bool started)
    {
        started = false;
        if (!leaving && queued < queueLimit)
        {
            return false;
        }
        lock (gate)
        {
            if (!leaving && queued < queueLimit)
            {
                return false;
            }
            started = !leaving;
            leaving = true;
            admissions[admittedIn] = admissions.GetValueOrDefault(admittedIn) + 1;
            lines.Add(completedIn);
            count++;
            return true;
        }
    }

    /// <summary>
    /// Takes every event left so far, to be stored from <see cref="Taken.Lines"/>: each wrote its line before it was
    /// counted, so those segments hold it. New events are queued in memory again.
    /// </summary>
    public Taken Take()
    {
        lock (gate)
        {
            var taken = new Taken(admissions, lines, admissions.Values.Sum(), leaving);
            (admissions, lines, leaving) = ([], [], false);
            return taken;
        }
    }

    /// <summary>The taken events could not be stored: they are taken again next time.</summary>
    public void PutBack(Taken taken)
    {
        lock (gate)
        {
            foreach (var (segment, calls) in taken.Admissions)
            {
                admissions[segment] = admissions.GetValueOrDefault(segment) + calls;
            }
            lines.UnionWith(taken.Lines);
        }
    }

    /// <summary>The taken events are in the database.</summary>
    public void Stored(Taken taken)
    {
        lock (gate)
        {
            count -= taken.Count;
        }
    }

    /// <param name="Admissions">Events by the segment their call was admitted into: what to release once stored.</param>
    /// <param name="Lines">The segments their completed lines are in: what to read.</param>
    /// <param name="WasLeaving">Whether new events were being left in the journal until this take.</param>
    public sealed record Taken(Dictionary<JournalSegment, int> Admissions, HashSet<JournalSegment> Lines, int Count, bool WasLeaving);
}
