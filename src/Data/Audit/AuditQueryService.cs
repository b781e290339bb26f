using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Audit;

/// <summary>
/// What to look for in the audit log. Text filters match a part of the field, ignoring case; the time
/// range is <see cref="From"/> inclusive to <see cref="To"/> exclusive (UTC).
/// </summary>
public sealed record AuditFilter(string? Actor = null, string? Action = null, string? Target = null,
    DateTime? From = null, DateTime? To = null);

public sealed record AuditEntryView(long Id, DateTime At, string Actor, string Action, string TargetType,
    string TargetId, string? Before, string? After);

/// <summary>One page of matching entries and how many match in all.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, int TotalCount);

/// <summary>Reads the audit log, newest first, one page at a time.</summary>
public sealed class AuditQueryService(IDbContextFactory<FrontierDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    public async Task<AuditPage> QueryAsync(AuditFilter filter, int pageIndex, int pageSize, CancellationToken ct = default)
    {
        pageIndex = Math.Max(pageIndex, 0);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Apply(db.AuditEntries.AsNoTracking(), filter);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(pageIndex * pageSize).Take(pageSize)
            .Select(a => new AuditEntryView(a.Id, a.At, a.Actor, a.Action, a.TargetType, a.TargetId, a.Before, a.After))
            .ToListAsync(ct);
        return new AuditPage(items, total);
    }

    private static IQueryable<Entities.AuditEntry> Apply(IQueryable<Entities.AuditEntry> query, AuditFilter filter)
    {
        // Lower-casing both sides keeps the match case-insensitive on every provider (SQLite's instr is not).
        if (Term(filter.Actor) is { } actor)
        {
            query = query.Where(a => a.Actor.ToLower().Contains(actor));
        }
        if (Term(filter.Action) is { } action)
        {
            query = query.Where(a => a.Action.ToLower().Contains(action));
        }
        if (Term(filter.Target) is { } target)
        {
            query = query.Where(a => a.TargetId.ToLower().Contains(target) || a.TargetType.ToLower().Contains(target));
        }
        if (filter.From is { } from)
        {
            var start = from.ToUniversalTime();
            query = query.Where(a => a.At >= start);
        }
        if (filter.To is { } to)
        {
            var end = to.ToUniversalTime();
            query = query.Where(a => a.At < end);
        }
        return query;
    }

    private static string? Term(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Trim().ToLowerInvariant();
}
