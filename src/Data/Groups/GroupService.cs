using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Data.Paging;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Groups;

/// <summary>Every write to groups, for the REST API and the portal alike.</summary>
public sealed class GroupService(IDbContextFactory<FrontierDbContext> dbFactory, IChangeBus changes, IRevocations revocations,
    TimeProvider time)
{
    public const int MaxTextLength = 255;

    public async Task<GroupView> CreateAsync(GroupCreateInput input, string actor, CancellationToken ct = default)
    {
        var external = input.Metadata?.ExternalEntityId;
        if (string.IsNullOrEmpty(external) || !StoredText.Fits(external, MaxTextLength))
        {
            throw DomainException.Invalid("metadata.external_entity_id",
                $"metadata.external_entity_id is required and must be 1 to {MaxTextLength} characters.");
        }
        CheckName(input.Metadata?.Name);
        if (input.Models is not { Count: > 0 })
        {
            throw DomainException.Invalid("models", "models must list at least one model.");
        }
        var hierarchy = input.Hierarchy ?? throw DomainException.Invalid("hierarchy", "hierarchy is required.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await HierarchyLock.BeginAsync(db, ct);
        var group = new Group
        {
            Id = Ids.New("grp"),
            Name = input.Metadata!.Name,
            ExternalEntityId = external,
            Depth = 1,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        group.Models = ModelParser.Parse(input.Models, group.Id);
        List<Group> ancestors = [];
        var parent = hierarchy.ParentGroupId is { } parentId
            ? await GroupTree.FindAsync(db, parentId, ct) ?? throw UnknownParent(parentId)
            : null;
        group.Enforcement = HierarchyRules.ModeOf(hierarchy.LimitEnforcement, parent);
        if (parent is not null)
        {
            if (parent.Depth >= HierarchyRules.MaxDepth)
            {
                throw DomainException.Invalid("hierarchy.parent_group_id",
                    $"hierarchy.parent_group_id: a hierarchy has at most {HierarchyRules.MaxDepth} levels.", "depth_exceeded");
            }
            group.ParentGroupId = parent.Id;
            group.Depth = parent.Depth + 1;
            ancestors = await GroupTree.ChainAsync(db, parent, null, ct);
        }
        if (group.Enforcement == LimitEnforcement.Cascading)
        {
            HierarchyRules.CheckCascading(group.Models, ancestors, []);
        }
        await EnsureExternalIdFreeAsync(db, external, ct);

        db.Groups.Add(group);
        var view = GroupMapper.ToView([group, .. ancestors]);
        AuditLog.Record(db, actor, "group.create", "group", group.Id, null, view, group.CreatedAt);
        var change = ChangeSet.Groups(group.Id);
        ChangeJournal.Record(db, change, group.CreatedAt);
        await SaveAsync(db, external, group.ParentGroupId, ct);
        await transaction.CommitAsync(ct);
        await changes.PublishAsync(change, ct);
        return view;
    }

    public async Task<GroupView> GetAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await FindOrThrowAsync(db, id, ct);
        return GroupMapper.ToView(await GroupTree.ChainAsync(db, group, null, ct));
    }

    public async Task<Page<GroupView>> ListAsync(string? externalEntityId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = GroupTree.Live(db).AsSplitQuery();
        if (QueryParameter.Given(externalEntityId) is { } external)
        {
            query = query.Where(g => g.ExternalEntityId == external);
        }
        if (page.After is { } after)
        {
            query = query.Where(g => string.Compare(g.Id, after) > 0);
        }
        var groups = await query.OrderBy(g => g.Id).Take(page.Limit + 1).ToListAsync(ct);
        var cache = new Dictionary<string, Group>();
        var views = new List<GroupView>(groups.Count);
        foreach (var group in groups)
        {
            views.Add(GroupMapper.ToView(await GroupTree.ChainAsync(db, group, cache, ct)));
        }
        return page.ToPage(views, v => v.Id);
    }

    /// <summary>
    /// Every live group as a lightweight node, in the order a tree reads (each group followed by its descendants,
    /// siblings by name); with <paramref name="rootId"/>, only that group and its descendants.
    /// </summary>
    public async Task<IReadOnlyList<GroupNode>> ListTreeAsync(string? rootId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await db.Groups.AsNoTracking()
            .Select(g => new { g.Id, g.Name, g.ExternalEntityId, g.ParentGroupId, g.Enforcement, g.Depth, Slugs = g.Models.Count })
            .ToListAsync(ct);
        var keys = await db.CustomerApiKeys.Live(time.GetUtcNow().UtcDateTime).GroupBy(k => k.GroupId)
            .Select(g => new { GroupId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.GroupId, g => g.Count, ct);
        var nodes = groups.ConvertAll(g => new GroupNode(g.Id, g.Name, g.ExternalEntityId, g.ParentGroupId,
            g.Enforcement, g.Depth, g.Slugs, keys.GetValueOrDefault(g.Id)));
        var children = nodes.Where(n => n.ParentGroupId is not null).ToLookup(n => n.ParentGroupId!);
        var roots = rootId is null ? nodes.Where(n => n.ParentGroupId is null) : nodes.Where(n => n.Id == rootId);
        var ordered = new List<GroupNode>(nodes.Count);
        AddInTreeOrder(roots, children, ordered);
        return ordered;
    }

    /// <summary>What <see cref="DeleteAsync"/> would delete and revoke, for a confirmation.</summary>
    public async Task<GroupDeletePreview> DeletePreviewAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await FindOrThrowAsync(db, id, ct);
        var nodes = await ListTreeAsync(id, ct);
        var ids = nodes.Select(n => n.Id).ToList();
        var keys = await KeysToRevoke(db, ids).CountAsync(ct);
        return new GroupDeletePreview(nodes.First(n => n.Id == id), [.. nodes.Where(n => n.Id != id)], keys);
    }

    public async Task<GroupView> PatchAsync(string id, GroupPatchInput input, string actor, CancellationToken ct = default)
    {
        if (input.Hierarchy is not null)
        {
            throw DomainException.Invalid("hierarchy", "hierarchy cannot be changed after a group is created.", "immutable_field");
        }
        if (input.Metadata?.ExternalEntityId is not null)
        {
            throw DomainException.Invalid("metadata.external_entity_id",
                "metadata.external_entity_id cannot be changed after a group is created.", "immutable_field");
        }
        if (input.Metadata?.Name is null && input.Models is null)
        {
            throw DomainException.Invalid("metadata.name", "Give at least one of metadata.name and models.");
        }
        CheckName(input.Metadata?.Name);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await HierarchyLock.BeginAsync(db, ct);
        var group = await FindOrThrowAsync(db, id, ct);
        var chain = await GroupTree.ChainAsync(db, group, null, ct);
        var before = GroupMapper.ToView(chain);
        if (input.Metadata?.Name is { } name)
        {
            group.Name = name;
        }
        if (input.Models is not null)
        {
            var models = ModelParser.Parse(input.Models, group.Id);
            if (group.Enforcement == LimitEnforcement.Cascading)
            {
                HierarchyRules.CheckCascading(models, chain.Skip(1), await GroupTree.DescendantsAsync(db, id, ct));
            }
            db.GroupModels.RemoveRange(group.Models);
            group.Models = models;
        }
        var after = GroupMapper.ToView(chain);
        var now = time.GetUtcNow().UtcDateTime;
        AuditLog.Record(db, actor, "group.update", "group", id, before, after, now);
        // The group's id is enough: the snapshot finds the descendants its limits flow down to. A name alone is in
        // no policy, and publishing it would only replace the subtree's policies with equal ones.
        var change = input.Models is null ? null : ChangeSet.Groups(id);
        if (change is not null)
        {
            ChangeJournal.Record(db, change, now);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (change is not null)
        {
            await changes.PublishAsync(change, ct);
        }
        return after;
    }

    public async Task<DeletedGroupView> DeleteAsync(string id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await HierarchyLock.BeginAsync(db, ct);
        var group = await FindOrThrowAsync(db, id, ct);
        var now = time.GetUtcNow().UtcDateTime;
        List<Group> subtree = [group, .. await GroupTree.DescendantsAsync(db, id, ct)];
        var ids = subtree.ConvertAll(g => g.Id);
        var keys = await KeysToRevoke(db, ids).ToListAsync(ct);
        subtree.ForEach(g => g.DeletedAt = now);
        keys.ForEach(k => (k.RevokedAt, k.RevokedBy) = (now, actor));
        var view = new DeletedGroupView(group.Id, GroupMapper.Metadata(group), now);
        AuditLog.Record(db, actor, "group.delete", "group", id, GroupMapper.Metadata(group),
            new { deleted_groups = ids, revoked_keys = keys.Count }, now);
        var change = new ChangeSet(ids, keys.ConvertAll(k => k.Prefix), false);
        ChangeJournal.Record(db, change, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await revocations.RecordAsync(keys.ConvertAll(k => new RevokedKey(k.Prefix, k.GroupId)), ids, ct);
        await changes.PublishAsync(change with { KeysRevoked = true }, ct);
        return view;
    }

    internal static async Task<Group> FindOrThrowAsync(FrontierDbContext db, string id, CancellationToken ct) =>
        await GroupTree.FindAsync(db, id, ct) ?? throw DomainException.NotFound("id", $"No group \"{id}\".");

    private static IQueryable<CustomerApiKey> KeysToRevoke(FrontierDbContext db, List<string> groupIds) =>
        db.CustomerApiKeys.Where(k => groupIds.Contains(k.GroupId));

    private static void AddInTreeOrder(IEnumerable<GroupNode> level, ILookup<string, GroupNode> children, List<GroupNode> into)
    {
        foreach (var node in level.OrderBy(n => n.DisplayName, StringComparer.OrdinalIgnoreCase))
        {
            into.Add(node);
            AddInTreeOrder(children[node.Id], children, into);
        }
    }

    private static void CheckName(string? name)
    {
        if (!StoredText.Fits(name, MaxTextLength))
        {
            throw DomainException.Invalid("metadata.name", $"metadata.name must be at most {MaxTextLength} characters.");
        }
    }

    private static async Task EnsureExternalIdFreeAsync(FrontierDbContext db, string external, CancellationToken ct)
    {
        if (await db.Groups.AnyAsync(g => g.ExternalEntityId == external, ct))
        {
            throw DuplicateExternalId(external);
        }
    }

    private static DomainException DuplicateExternalId(string external) => DomainException.Invalid(
        "metadata.external_entity_id", $"metadata.external_entity_id \"{external}\" is already used by a live group.", "duplicate");

    private static DomainException UnknownParent(string parentId) => DomainException.NotFound(
        "hierarchy.parent_group_id", $"hierarchy.parent_group_id: no group \"{parentId}\".");

    /// <summary>Saves a create; a constraint that refuses it was met by a write that raced past the checks.</summary>
    private static async Task SaveAsync(FrontierDbContext db, string external, string? parentId, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (SaveFailures.IsUniqueViolation(e))
        {
            // Two creates raced past the check; the unique index decided.
            throw DuplicateExternalId(external);
        }
        catch (DbUpdateException e) when (parentId is not null && SaveFailures.IsForeignKeyViolation(e))
        {
            // The parent's row went after it was read.
            throw UnknownParent(parentId);
        }
    }
}
