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
/// </summary>
internal static class JournalReplay
{
    private const int KeysPerQuery = 500;

    /// <summary>Answers the events it stored.</summary>
    public static async Task<IReadOnlyList<UsageEvent>> ReplayAsync(FrontierDbContext db, IReadOnlyList<string> segments,
        DateTime now, CancellationToken ct)
    {
        var calls = new Dictionary<string, (UsageEvent? Admitted, UsageEvent? Completed, bool Voided)>(StringComparer.Ordinal);
        foreach (var segment in segments)
        {
            foreach (var record in JournalRecord.ReadAll(await File.ReadAllBytesAsync(segment, ct)))
            {
                var call = calls.GetValueOrDefault(record.Event.IdempotencyKey);
                calls[record.Event.IdempotencyKey] = record.Kind switch
                {
                    JournalKind.Admitted => call with { Admitted = record.Event },
                    JournalKind.Completed => call with { Completed = record.Event },
                    _ => call with { Voided = true },
                };
            }
        }
        var owed = calls.Values.Select(Outcome).OfType<UsageEvent>().ToList();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in owed.Chunk(KeysPerQuery))
        {
            var keys = chunk.Select(e => e.IdempotencyKey).ToList();
            stored.UnionWith(await db.UsageEvents.Where(e => keys.Contains(e.IdempotencyKey)).Select(e => e.IdempotencyKey).ToListAsync(ct));
        }
        var missing = owed.Where(e => !stored.Contains(e.IdempotencyKey)).OrderBy(e => e.Timestamp).ToList();
        if (missing.Count == 0)
        {
            return missing;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await PreparedInsert.InsertAsync(db, missing, ct: ct);
        await DailyCounters.RaiseToEventsAsync(db,
            missing.Select(e => (e.GroupId, e.ModelSlug, DateOnly.FromDateTime(e.Timestamp))), now, ct);
        await transaction.CommitAsync(ct);
        return missing;
    }

    /// <summary>The event a call is owed: its own when it completed, none when voided, an interrupted one else.</summary>
    private static UsageEvent? Outcome((UsageEvent? Admitted, UsageEvent? Completed, bool Voided) call) =>
        call.Completed ?? (call.Voided || call.Admitted is null ? null : Interrupted(call.Admitted));

    private static UsageEvent Interrupted(UsageEvent admitted)
    {
        admitted.Estimated = true;
        admitted.Interrupted = true;
        return admitted;
    }
}
