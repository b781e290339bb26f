using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Requests;

/// <summary>
/// Where the request log's calls are kept: a refused or failed call has a <see cref="RequestLogEntry"/>, a metered call
/// only its <see cref="UsageEvent"/>, which carries its status and latency (one row a call on the request path, not
/// two). A page reads each table newest first through its own index and merges the two; a UNION ALL view of both was
/// read whole and sorted by SQLite for every page. An event without a status (written with the request log off, or
/// the interrupted event of a call a crash cut off) is not in the log.
/// </summary>
internal static class LoggedCalls
{
    /// <summary>The cursor key of a log row: "r" and its id.</summary>
    private const char Logged = 'r';

    /// <summary>The cursor key of an event: "e" and its idempotency key.</summary>
    private const char Metered = 'e';

    public static IQueryable<RequestLogEntry> Rows(FrontierDbContext db, RequestLogFilter filter)
    {
        var rows = db.RequestLog.AsNoTracking();
        if (filter.Since is { } since)
        {
            rows = rows.Where(r => r.Timestamp >= since);
        }
        if (filter.GroupId is { } group)
        {
            rows = rows.Where(r => r.GroupId == group);
        }
        if (!string.IsNullOrEmpty(filter.Slug))
        {
            rows = rows.Where(r => r.Slug == filter.Slug);
        }
        if (!string.IsNullOrEmpty(filter.KeyPrefix))
        {
            rows = rows.Where(r => r.KeyPrefix == filter.KeyPrefix);
        }
        rows = filter.Outcome switch
        {
            RequestOutcome.Succeeded => rows.Where(r => r.Status < 400),
            RequestOutcome.Refused => rows.Where(r => r.Status == 429),
            RequestOutcome.Failed => rows.Where(r => r.Status >= 400 && r.Status != 429),
            _ => rows,
        };
        if (filter.Before is { } before)
        {
            // At equal times log rows come first, so a cursor on an event has passed all log rows of its time.
            var id = Id(before);
            // In this shape (a range, less the cursor's own time's rest) SQLite reads the index from the cursor on; as
            // "earlier, or the same time and a smaller id" it reads every older row and sorts them.
            rows = rows.Where(r => r.Timestamp <= before.Timestamp && !(r.Timestamp == before.Timestamp && r.Id >= id));
        }
        return rows.OrderByDescending(r => r.Timestamp).ThenByDescending(r => r.Id);
    }

    /// <summary>The metered calls the filter takes; null when it takes none (refused or failed calls: never metered).</summary>
    public static IQueryable<UsageEvent>? Events(FrontierDbContext db, RequestLogFilter filter)
    {
        if (filter.Outcome is RequestOutcome.Refused or RequestOutcome.Failed)
        {
            return null;
        }
        var events = db.UsageEvents.AsNoTracking().Where(e => e.Status != null);
        if (filter.Since is { } since)
        {
            events = events.Where(e => e.Timestamp >= since);
        }
        if (filter.GroupId is { } group)
        {
            events = events.Where(e => e.GroupId == group);
        }
        if (!string.IsNullOrEmpty(filter.Slug))
        {
            events = events.Where(e => e.ModelSlug == filter.Slug);
        }
        if (!string.IsNullOrEmpty(filter.KeyPrefix))
        {
            events = events.Where(e => e.ApiKeyPrefix == filter.KeyPrefix);
        }
        if (filter.Outcome == RequestOutcome.Succeeded)
        {
            events = events.Where(e => e.Status < 400);
        }
        if (filter.Before is { } before)
        {
            var key = before.Key[0] == Metered ? before.Key[1..] : null;
            events = key is null
                ? events.Where(e => e.Timestamp <= before.Timestamp)
                : events.Where(e => e.Timestamp <= before.Timestamp
                    && !(e.Timestamp == before.Timestamp && string.Compare(e.IdempotencyKey, key) >= 0));
        }
        // The database's collation orders the keys, the merge orders them ordinally: the same order for ULIDs (fixed
        // length, digits and upper-case letters only), on SQLite and PostgreSQL alike.
        return events.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.IdempotencyKey);
    }

    /// <summary>The log row of a cursor on one, else 0 (no log row of its time is left).</summary>
    private static long Id(RequestLogCursor cursor) =>
        cursor.Key[0] == Logged && long.TryParse(cursor.Key.AsSpan(1), out var id) ? id : 0;

    public static RequestLogRow Row(RequestLogEntry r, string groupName) => new($"{Logged}{r.Id}", r.Timestamp, r.RequestId,
        r.KeyPrefix, r.GroupId, groupName, r.Slug, r.Status, r.LatencyMicroseconds / 1000.0, r.InputTokens, r.OutputTokens,
        r.RefusedLimit, r.RefusedSourceGroupId, r.Error);

    public static RequestLogRow Row(UsageEvent e, string groupName) => new($"{Metered}{e.IdempotencyKey}", e.Timestamp,
        e.RequestId, e.ApiKeyPrefix, e.GroupId, groupName, e.ModelSlug, e.Status ?? 0, (e.LatencyMicroseconds ?? 0) / 1000.0,
        e.InputTokens, e.OutputTokens, null, null, null);

    /// <summary>Only the columns a log row shows: not the event's metadata, cost or delivery.</summary>
    public static IQueryable<UsageEvent> ForLog(IQueryable<UsageEvent> events) => events.Select(e => new UsageEvent
    {
        IdempotencyKey = e.IdempotencyKey, Timestamp = e.Timestamp, RequestId = e.RequestId, ModelSlug = e.ModelSlug,
        GroupId = e.GroupId, ExternalEntityId = "", ApiKeyPrefix = e.ApiKeyPrefix, InputTokens = e.InputTokens,
        OutputTokens = e.OutputTokens, Status = e.Status, LatencyMicroseconds = e.LatencyMicroseconds,
    });

    /// <summary>
    /// The first <paramref name="count"/> of two lists each already newest first (as <see cref="Rows"/> and
    /// <see cref="Events"/> read them): newest first, and at equal times the log's rows before the events.
    /// </summary>
    public static List<RequestLogRow> Merge(List<RequestLogEntry> rows, List<UsageEvent> events, int count,
        Func<RequestLogEntry, RequestLogRow> fromRow, Func<UsageEvent, RequestLogRow> fromEvent)
    {
        var merged = new List<RequestLogRow>(Math.Min(count, rows.Count + events.Count));
        var (r, e) = (0, 0);
        while (merged.Count < count && (r < rows.Count || e < events.Count))
        {
            var rowFirst = e == events.Count || (r < rows.Count && rows[r].Timestamp >= events[e].Timestamp);
            merged.Add(rowFirst ? fromRow(rows[r++]) : fromEvent(events[e++]));
        }
        return merged;
    }
}
