using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Usage;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Metering.Journal;

/// <summary>
/// Brings the database up to what the journal of a process that did not stop cleanly says: every completed call
/// gets its event, every admitted call that neither completed nor was voided (the process died during it) gets an
/// event marked interrupted, and the daily counters those calls add to are raised to the stored events. Idempotent:
/// an event already stored (its idempotency key) is skipped, so a replay cut short is simply run again.
/// Streamed: the segments are read one at a time, oldest first, and events stored in chunks, each in its own
/// transaction; only the calls admitted and not yet ended are held, so a journal grown large while the database was
/// down (<see cref="GatewayOptions.UsageQueueLimit"/>) is replayed in the memory of a segment, not of the journal.
/// </summary>
internal static class JournalReplay
{
    private const int EventsPerChunk = 500;

    public static async Task<ReplayCounts> ReplayAsync(FrontierDbContext db, IReadOnlyList<string> segments,
        DateTime now, CancellationToken ct)
    {
        // A call's lines are in the order it wrote them: its admission in the same segment as its end or an older one.
        var open = new Dictionary<string, UsageEvent>(StringComparer.Ordinal);
        var owed = new List<UsageEvent>(EventsPerChunk);
        var touched = new HashSet<(string GroupId, string Slug, DateOnly Day)>();
        var counts = new ReplayCounts(0, 0);
        foreach (var segment in segments)
        {
            foreach (var record in JournalRecord.ReadAll(await File.ReadAllBytesAsync(segment, ct)))
            {
                var key = record.Event.IdempotencyKey;
                switch (record.Kind)
                {
                    case JournalKind.Admitted:
                        open[key] = record.Event;
                        break;
                    case JournalKind.Completed:
                        open.Remove(key);
                        owed.Add(record.Event);
                        break;
                    default:
                        open.Remove(key);
                        break;
                }
                if (owed.Count == EventsPerChunk)
                {
                    counts = counts.Add(await StoreMissingAsync(db, owed, touched, ct), 0);
                }
            }
        }
        counts = counts.Add(await StoreMissingAsync(db, owed, touched, ct), 0);
        foreach (var chunk in open.Values.Select(Interrupted).Chunk(EventsPerChunk))
        {
            owed.AddRange(chunk);
            var stored = await StoreMissingAsync(db, owed, touched, ct);
            counts = counts.Add(stored, stored);
        }
        if (touched.Count > 0)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await DailyCounters.RaiseToEventsAsync(db, touched, now, ct);
            await transaction.CommitAsync(ct);
        }
        return counts;
    }

    /// <summary>Stores the events of <paramref name="owed"/> the database does not have, and empties it; answers how many.</summary>
    private static async Task<int> StoreMissingAsync(FrontierDbContext db, List<UsageEvent> owed,
        HashSet<(string GroupId, string Slug, DateOnly Day)> touched, CancellationToken ct)
    {
        if (owed.Count == 0)
        {
            return 0;
        }
        // Every call's counters, stored now or before: a replay cut off after its inserts raises them when run again.
        touched.UnionWith(owed.Select(e => (e.GroupId, e.ModelSlug, DateOnly.FromDateTime(e.Timestamp))));
        var keys = owed.ConvertAll(e => e.IdempotencyKey);
        var stored = (await db.UsageEvents.Where(e => keys.Contains(e.IdempotencyKey)).Select(e => e.IdempotencyKey).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var missing = owed.Where(e => !stored.Contains(e.IdempotencyKey)).ToList();
        owed.Clear();
        if (missing.Count > 0)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await PreparedInsert.InsertAsync(db, missing, ct: ct);
            await transaction.CommitAsync(ct);
        }
        return missing.Count;
    }

    private static UsageEvent Interrupted(UsageEvent admitted)
    {
        admitted.Estimated = true;
        admitted.Interrupted = true;
        return admitted;
    }
}

/// <summary>What a replay stored: every event, and of them those of calls the process died during.</summary>
internal readonly record struct ReplayCounts(int Stored, int Interrupted)
{
    public ReplayCounts Add(int stored, int interrupted) => new(Stored + stored, Interrupted + interrupted);
}
