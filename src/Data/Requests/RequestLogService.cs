using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Requests;

/// <summary>Which calls a request log view shows.</summary>
public enum RequestOutcome { All, Succeeded, Refused, Failed }

/// <param name="GroupId">One group's calls (its own keys', not its descendants').</param>
/// <param name="Before">The cursor: rows older than this one (paging back in time).</param>
/// <param name="Since">Calls from this time on: the log's retention (<c>RequestLog:RetentionHours</c>), which prunes the
/// log's own rows; metered calls' events are kept longer, for billing.</param>
public sealed record RequestLogFilter(string? GroupId = null, string? Slug = null, string? KeyPrefix = null,
    RequestOutcome Outcome = RequestOutcome.All, RequestLogCursor? Before = null, int Limit = 50, DateTime? Since = null);

/// <param name="Key">The row's <see cref="RequestLogRow.Key"/>: orders rows of the same time.</param>
public sealed record RequestLogCursor(DateTime Timestamp, string Key);

/// <param name="Key">Unique in the log: "r" and a log row's id, or "e" and a metered call's event (<see cref="LoggedCalls"/>).</param>
public sealed record RequestLogRow(string Key, DateTime Timestamp, string RequestId, string KeyPrefix, string GroupId,
    string GroupName, string Slug, int Status, double LatencyMs, long InputTokens, long OutputTokens, string? RefusedLimit,
    string? RefusedSourceGroupId, string? Error);

public sealed record RequestLogPage(IReadOnlyList<RequestLogRow> Rows, RequestLogCursor? Next);

/// <summary>
/// Reads the request log, newest first (the rows are written behind the request path, within a second or so): refused
/// and failed calls' log rows and metered calls' usage events (<see cref="LoggedCalls"/>). A metered call is listed at
/// its end (its event's time), the others at their start.
/// </summary>
public sealed class RequestLogService(IDbContextFactory<FrontierDbContext> dbFactory)
{
    public const int MaxLimit = 500;

    public async Task<RequestLogPage> ListAsync(RequestLogFilter filter, CancellationToken ct = default)
    {
        if (filter.Limit is < 1 or > MaxLimit)
        {
            throw DomainException.Invalid("limit", $"limit must be from 1 to {MaxLimit}.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        filter = await WithKeysGroupAsync(db, filter, ct);
        // Each table's newest rows past the cursor, one more than a page: the merge's first Limit + 1 are among them.
        var take = filter.Limit + 1;
        var rows = await LoggedCalls.Rows(db, filter).Take(take).ToListAsync(ct);
        var events = LoggedCalls.Events(db, filter) is { } metered
            ? await LoggedCalls.ForLog(metered.Take(take)).ToListAsync(ct)
            : [];
        var names = await GroupNamesAsync(db, rows.Select(r => r.GroupId).Concat(events.Select(e => e.GroupId)), ct);
        var page = LoggedCalls.Merge(rows, events, take,
            r => LoggedCalls.Row(r, names.GetValueOrDefault(r.GroupId, r.GroupId)),
            e => LoggedCalls.Row(e, names.GetValueOrDefault(e.GroupId, e.GroupId)));
        var more = page.Count > filter.Limit;
        page = page[..Math.Min(page.Count, filter.Limit)];
        return new RequestLogPage(page, more ? new RequestLogCursor(page[^1].Timestamp, page[^1].Key) : null);
    }

    /// <summary>A filter on a key also names the key's group (<see cref="KeyQueries.GroupOfAsync"/>), when it has one.</summary>
    internal static async Task<RequestLogFilter> WithKeysGroupAsync(FrontierDbContext db, RequestLogFilter filter, CancellationToken ct) =>
        string.IsNullOrEmpty(filter.KeyPrefix) || filter.GroupId is not null
            || await KeyQueries.GroupOfAsync(db, filter.KeyPrefix, ct) is not { } group
            ? filter
            : filter with { GroupId = group };

    /// <summary>The groups with the most refused calls (429) since <paramref name="since"/>, most first.</summary>
    public async Task<IReadOnlyList<Usage.GroupRefusals>> MostRefusedAsync(DateTime since, int top = 10, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.RequestLog.AsNoTracking().Where(r => r.Timestamp >= since)
            .GroupBy(r => r.GroupId)
            .Select(g => new { GroupId = g.Key, Refused = g.LongCount(r => r.Status == 429), Calls = g.LongCount() })
            .Where(g => g.Refused > 0)
            .OrderByDescending(g => g.Refused).ThenBy(g => g.GroupId)
            .Take(top)
            .ToListAsync(ct);
        // Their metered calls are events (LoggedCalls), and count among their calls.
        var groups = counts.ConvertAll(c => c.GroupId);
        var metered = await db.UsageEvents.AsNoTracking()
            .Where(e => e.Status != null && e.Timestamp >= since && groups.Contains(e.GroupId))
            .GroupBy(e => e.GroupId)
            .Select(g => new { GroupId = g.Key, Calls = g.LongCount() })
            .ToDictionaryAsync(g => g.GroupId, g => g.Calls, StringComparer.Ordinal, ct);
        var names = await GroupNamesAsync(db, groups, ct);
        return counts.ConvertAll(c => new Usage.GroupRefusals(c.GroupId, names.GetValueOrDefault(c.GroupId, c.GroupId), c.Refused,
            c.Calls + metered.GetValueOrDefault(c.GroupId)));
    }

    /// <summary>Names of groups, deleted ones included (their calls stay in the log until pruned).</summary>
    internal static async Task<Dictionary<string, string>> GroupNamesAsync(FrontierDbContext db, IEnumerable<string> ids,
        CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        return await db.Groups.IgnoreQueryFilters().AsNoTracking().Where(g => wanted.Contains(g.Id))
            .ToDictionaryAsync(g => g.Id, g => g.Name ?? g.ExternalEntityId, StringComparer.Ordinal, ct);
    }
}
