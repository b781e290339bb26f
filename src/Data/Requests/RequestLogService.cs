using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Requests;

/// <summary>Which calls a request log view shows.</summary>
public enum RequestOutcome { All, Succeeded, Refused, Failed }

/// <param name="GroupId">One group's calls (its own keys', not its descendants').</param>
/// <param name="Before">The cursor: rows older than this one (paging back in time).</param>
public sealed record RequestLogFilter(string? GroupId = null, string? Slug = null, string? KeyPrefix = null,
    RequestOutcome Outcome = RequestOutcome.All, RequestLogCursor? Before = null, int Limit = 50);

public sealed record RequestLogCursor(DateTime Timestamp, long Id);

public sealed record RequestLogRow(long Id, DateTime Timestamp, string RequestId, string KeyPrefix, string GroupId,
    string GroupName, string Slug, int Status, double LatencyMs, long InputTokens, long OutputTokens, string? RefusedLimit,
    string? RefusedSourceGroupId, string? Error);

public sealed record RequestLogPage(IReadOnlyList<RequestLogRow> Rows, RequestLogCursor? Next);

/// <summary>Reads the request log, newest first (the rows are written behind the request path, within a second or so).</summary>
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
        var rows = Filtered(db.RequestLog.AsNoTracking(), filter);
        if (filter.Before is { } before)
        {
            rows = rows.Where(r => r.Timestamp < before.Timestamp || (r.Timestamp == before.Timestamp && r.Id < before.Id));
        }
        var page = await rows.OrderByDescending(r => r.Timestamp).ThenByDescending(r => r.Id).Take(filter.Limit + 1).ToListAsync(ct);
        var more = page.Count > filter.Limit;
        if (more)
        {
            page.RemoveAt(page.Count - 1);
        }
        var names = await GroupNamesAsync(db, page.Select(r => r.GroupId), ct);
        return new RequestLogPage(page.ConvertAll(r => ToRow(r, names)),
            more ? new RequestLogCursor(page[^1].Timestamp, page[^1].Id) : null);
    }

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
        var names = await GroupNamesAsync(db, counts.Select(c => c.GroupId), ct);
        return counts.ConvertAll(c => new Usage.GroupRefusals(c.GroupId, names.GetValueOrDefault(c.GroupId, c.GroupId), c.Refused, c.Calls));
    }

    private static IQueryable<RequestLogEntry> Filtered(IQueryable<RequestLogEntry> rows, RequestLogFilter filter)
    {
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
        return filter.Outcome switch
        {
            RequestOutcome.Succeeded => rows.Where(r => r.Status < 400),
            RequestOutcome.Refused => rows.Where(r => r.Status == 429),
            RequestOutcome.Failed => rows.Where(r => r.Status >= 400 && r.Status != 429),
            _ => rows,
        };
    }

    /// <summary>Names of groups, deleted ones included (their calls stay in the log until pruned).</summary>
    internal static async Task<Dictionary<string, string>> GroupNamesAsync(FrontierDbContext db, IEnumerable<string> ids,
        CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        return await db.Groups.IgnoreQueryFilters().AsNoTracking().Where(g => wanted.Contains(g.Id))
            .ToDictionaryAsync(g => g.Id, g => g.Name ?? g.ExternalEntityId, StringComparer.Ordinal, ct);
    }

    private static RequestLogRow ToRow(RequestLogEntry r, Dictionary<string, string> names) => new(r.Id, r.Timestamp,
        r.RequestId, r.KeyPrefix, r.GroupId, names.GetValueOrDefault(r.GroupId, r.GroupId), r.Slug, r.Status,
        r.LatencyMicroseconds / 1000.0, r.InputTokens, r.OutputTokens, r.RefusedLimit, r.RefusedSourceGroupId, r.Error);
}
