using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Groups;

/// <summary>Loads live groups with their models and limits, up and down a tree.</summary>
internal static class GroupTree
{
    public static IQueryable<Group> Live(FrontierDbContext db) =>
        db.Groups.Include(g => g.Models.OrderBy(m => m.Id)).ThenInclude(m => m.Limits.OrderBy(l => l.Id));

    public static Task<Group?> FindAsync(FrontierDbContext db, string id, CancellationToken ct) =>
        Live(db).AsSplitQuery().FirstOrDefaultAsync(g => g.Id == id, ct);

    /// <summary>The group first, then its ancestors up to the root; <paramref name="cache"/> keeps parents between calls.</summary>
    public static Task<List<Group>> ChainAsync(FrontierDbContext db, Group group,
        Dictionary<string, Group>? cache, CancellationToken ct) =>
        GroupChain.WalkAsync(group, g => g.ParentGroupId, async id =>
        {
            if (cache is not null && cache.TryGetValue(id, out var known))
            {
                return known;
            }
            var parent = await FindAsync(db, id, ct);
            if (parent is not null)
            {
                cache?.TryAdd(id, parent);
            }
            return parent;
        });

    /// <summary>Every live descendant, level by level.</summary>
    public static async Task<List<Group>> DescendantsAsync(FrontierDbContext db, string id, CancellationToken ct)
    {
        var all = new List<Group>();
        var level = new List<string> { id };
        for (var depth = 0; depth < HierarchyRules.MaxDepth && level.Count > 0; depth++)
        {
            var children = await Live(db).AsSplitQuery()
                .Where(g => g.ParentGroupId != null && level.Contains(g.ParentGroupId)).ToListAsync(ct);
            all.AddRange(children);
            level = children.ConvertAll(c => c.Id);
        }
        return all;
    }
}
