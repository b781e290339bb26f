using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Metering.Journal;

/// <summary>
/// Stores from the running journal the events that were kept nowhere else: those the write-behind did not hold in
/// memory because its queue was full (<see cref="GatewayOptions.UsageQueueLimit"/>). Every completed call's event in
/// the given segments that the database does not have yet is inserted, a segment at a time and in chunks, so that
/// memory stays within a segment's lines however long the journal has grown. Idempotent, like the replay at start-up.
/// </summary>
internal static class JournalCatchUp
{
    private const int EventsPerChunk = 500;

    /// <summary>Answers how many events it stored.</summary>
    public static async Task<int> StoreAsync(IDbContextFactory<FrontierDbContext> dbFactory, IReadOnlyList<string> segments,
        CancellationToken ct)
    {
        var stored = 0;
        foreach (var segment in segments)
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(segment, ct);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // Let go meanwhile: every call admitted into it, and so every line in it, is stored.
                continue;
            }
            var completed = JournalRecord.ReadAll(bytes).Where(r => r.Kind == JournalKind.Completed).Select(r => r.Event);
            foreach (var chunk in completed.Chunk(EventsPerChunk))
            {
                stored += await StoreMissingAsync(dbFactory, chunk, ct);
            }
        }
        return stored;
    }

    private static async Task<int> StoreMissingAsync(IDbContextFactory<FrontierDbContext> dbFactory, UsageEvent[] chunk,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = chunk.Select(e => e.IdempotencyKey).ToList();
        var stored = (await db.UsageEvents.Where(e => keys.Contains(e.IdempotencyKey)).Select(e => e.IdempotencyKey).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var missing = chunk.Where(e => !stored.Contains(e.IdempotencyKey)).ToList();
        if (missing.Count > 0)
        {
            // One transaction a chunk: a row each would be a commit (an fsync) each. Skipped if the write-behind
            // stores one of them first (an event queued as the journal's were taken).
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await PreparedInsert.InsertAsync(db, missing, skipExisting: true, ct: ct);
            await transaction.CommitAsync(ct);
        }
        return missing.Count;
    }
}
