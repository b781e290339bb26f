using FrontierGateway.Data;
using FrontierGateway.Data.Audit;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Portal.Audit;

/// <summary>What the audit log shows for a target: the name people know it by, and the portal page it is on (if any).</summary>
public sealed record AuditTarget(string Name, string? Href);

/// <summary>
/// Names the targets of audit entries, in one query per target type on one short-lived context: a group by its name,
/// a key by its name and its group's Keys tab, an endpoint by its slug, a user by their email. Deleted groups and
/// revoked keys keep their names; an id it cannot name is left out (the page shows the id).
/// </summary>
public sealed class AuditTargets(IDbContextFactory<FrontierDbContext> dbFactory)
{
    public async Task<IReadOnlyDictionary<(string Type, string Id), AuditTarget>> NameAsync(
        IEnumerable<AuditEntryView> entries, CancellationToken ct = default)
    {
        var ids = entries.GroupBy(e => e.TargetType).ToDictionary(g => g.Key, g => g.Select(e => e.TargetId).Distinct().ToList());
        List<string> Of(string type) => ids.GetValueOrDefault(type) ?? [];
        var result = new Dictionary<(string, string), AuditTarget>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var groups = Of("group");
        foreach (var g in await db.Groups.IgnoreQueryFilters().AsNoTracking().Where(g => groups.Contains(g.Id))
                     .Select(g => new { g.Id, Name = g.Name ?? g.ExternalEntityId, g.DeletedAt }).ToListAsync(ct))
        {
            result[("group", g.Id)] = g.DeletedAt is null
                ? new AuditTarget(g.Name, $"groups/{Uri.EscapeDataString(g.Id)}")
                : new AuditTarget($"{g.Name} (deleted)", null);
        }
        var keys = Of("api_key");
        foreach (var k in await db.CustomerApiKeys.IgnoreQueryFilters().AsNoTracking().Where(k => keys.Contains(k.Prefix))
                     .Select(k => new { k.Prefix, k.Name, k.GroupId }).ToListAsync(ct))
        {
            result[("api_key", k.Prefix)] = new AuditTarget(k.Name is { Length: > 0 } name ? $"{name} ({k.Prefix})" : k.Prefix,
                $"groups/{Uri.EscapeDataString(k.GroupId)}?tab=keys");
        }
        var endpoints = Of("endpoint");
        foreach (var e in await db.Endpoints.AsNoTracking().Where(e => endpoints.Contains(e.Id))
                     .Select(e => new { e.Id, e.Slug }).ToListAsync(ct))
        {
            result[("endpoint", e.Id)] = new AuditTarget(e.Slug, "endpoints");
        }
        var workspaceKeys = Of("workspace_key");
        foreach (var k in await db.WorkspaceApiKeys.IgnoreQueryFilters().AsNoTracking().Where(k => workspaceKeys.Contains(k.Prefix))
                     .Select(k => new { k.Prefix, k.Name }).ToListAsync(ct))
        {
            result[("workspace_key", k.Prefix)] = new AuditTarget(k.Name is { Length: > 0 } name ? $"{name} ({k.Prefix})" : k.Prefix,
                "workspace-keys");
        }
        var users = Of("user");
        foreach (var u in await db.Users.AsNoTracking().Where(u => users.Contains(u.Id)).Select(u => new { u.Id, u.Email }).ToListAsync(ct))
        {
            result[("user", u.Id)] = new AuditTarget(u.Email ?? u.Id, "users");
        }
        return result;
    }
}
