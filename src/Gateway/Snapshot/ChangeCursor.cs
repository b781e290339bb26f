namespace FrontierGateway.Gateway.Snapshot;

/// <summary>
/// How far a host has read the change journal: every id up to <see cref="Floor"/> applied (or given up on), and the
/// ones above it applied so far. Ids are taken in order, but on PostgreSQL an id is drawn when its row is inserted and
/// seen only once its transaction commits, so a later id can be seen first. A hole below a seen id is waited for
/// (read again from <see cref="Floor"/> each time) until it is <see cref="Patience"/> old: then it was a rolled-back
/// write, which leaves a hole for good.
/// </summary>
internal sealed class ChangeCursor(long floor)
{
    /// <summary>Longer than any write's transaction (seconds), and far shorter than the journal is kept (a day).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly SortedSet<long> above = [];

    /// <summary>When the lowest hole was first met; null when there is none.</summary>
    private DateTime? holeSince;

    /// <summary>Every id up to this one has been applied or given up on; the journal is read from the next.</summary>
    public long Floor { get; private set; } = floor;

    /// <summary>Whether <paramref name="id"/> is new to this host.</summary>
    public bool IsNew(long id) => id > Floor && !above.Contains(id);

    /// <summary>
    /// Counts <paramref name="id"/> as applied (once its change is in the snapshot, not before); whether it was new.
    /// </summary>
    public bool Take(long id) => id > Floor && above.Add(id);

    /// <summary>Moves <see cref="Floor"/> past the ids applied without a hole between, and past holes too old to fill.</summary>
    public void Settle(DateTime now)
    {
        while (above.Count > 0)
        {
            if (above.Min == Floor + 1)
            {
                Floor = above.Min;
                above.Remove(Floor);
                holeSince = null;
            }
            else if (holeSince is null)
            {
                holeSince = now;
                return;
            }
            else if (now - holeSince >= Patience)
            {
                Floor = above.Min - 1;
                holeSince = null;
            }
            else
            {
                return;
            }
        }
        holeSince = null;
    }
}
