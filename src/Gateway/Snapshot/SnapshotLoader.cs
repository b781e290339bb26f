using System.Collections.Frozen;
using System.Runtime.InteropServices;
using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>Reads the parts of a snapshot from the database.</summary>
internal sealed partial class SnapshotLoader(IDbContextFactory<FrontierDbContext> dbFactory, EndpointService endpoints)
{
    /// <summary>
    /// Every live group's policy and parent: <paramref name="current"/> with the policies that differ set and those of
    /// groups gone removed. As for the keys, an unchanged group keeps its policy instance (and with it what a counter
    /// store prepared for it), the one just built dies young, and the table's dictionary is not built again.
    /// </summary>
    public async Task<WholeGroups> LoadGroupsAsync(SnapshotTable<GroupPolicy> current, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await ReadGroupsAsync(db, current, ct);
        var load = Build(groups.Values, groups, current);
        if (current.Count == 0)
        {
            return new WholeGroups(SnapshotTable<GroupPolicy>.Over(load.Policies), load.Parents);
        }
        var changed = load.Policies.Where(p => !(current.TryGetValue(p.Key, out var known) && ReferenceEquals(known, p.Value)));
        var removed = current.Keys.Where(id => !load.Policies.ContainsKey(id)).ToList();
        return new WholeGroups(current.With(changed, removed), load.Parents);
    }

    /// <summary>
    /// Every live group with its models and limits, for building policies: read as three streams of the columns a
    /// policy needs (<see cref="ReadRowsAsync"/>) and put together here, each string an instance the current snapshot
    /// (or this read) already holds.
    /// </summary>
    /// <remarks>
    /// The whole graph lives until every policy is built, so it is promoted and stays as garbage until a full collection
    /// after each resync. As EF Core materializes it (<see cref="GroupTree.Live"/>, split query) it took some 840 bytes
    /// a group, most of them in strings (the ids again in each model, the parent's, the name); here some 400, the rows'
    /// own strings dying young.
    /// </remarks>
    private static async Task<Dictionary<string, Group>> ReadGroupsAsync(FrontierDbContext db, SnapshotTable<GroupPolicy> current,
        CancellationToken ct)
    {
        var groups = new Dictionary<string, Group>(current.Count, StringComparer.Ordinal);
        var enforcement = FromColumn<Group, LimitEnforcement>(db, nameof(Group.Enforcement));
        var groupRows = db.Groups.AsNoTracking().Select(g => new { g.Id, g.ExternalEntityId, g.ParentGroupId, g.Enforcement });
        await foreach (var g in ReadRowsAsync<GroupRow>(db, groupRows, reader =>
        {
            var (id, external, parent, mode) = (reader.GetOrdinal(nameof(Group.Id)), reader.GetOrdinal(nameof(Group.ExternalEntityId)),
                reader.GetOrdinal(nameof(Group.ParentGroupId)), reader.GetOrdinal(nameof(Group.Enforcement)));
            return () => new GroupRow(reader.GetString(id), reader.GetString(external), GetStringOrNull(reader, parent),
                enforcement(reader.GetString(mode)));
        }, ct))
        {
            var known = current.TryGetValue(g.Id, out var policy) ? policy : null;
            groups[g.Id] = new Group
            {
                Id = known?.Id ?? g.Id,
                ExternalEntityId = known?.ExternalEntityId == g.External ? known.ExternalEntityId : g.External,
                ParentGroupId = g.Parent,
                Enforcement = g.Enforcement,
            };
        }
        foreach (var group in groups.Values)
        {
            if (group.ParentGroupId is { } parent && groups.TryGetValue(parent, out var parentGroup))
            {
                group.ParentGroupId = parentGroup.Id;
            }
        }
        var models = new Dictionary<int, GroupModel>(groups.Count);
        // Ordered as GroupTree.Live orders them: a policy lists a group's slugs in that order. The models and limits
        // of deleted groups are read and dropped.
        var modelRows = db.GroupModels.AsNoTracking().OrderBy(m => m.Id).Select(m => new { m.Id, m.GroupId, m.Slug });
        await foreach (var m in ReadRowsAsync<ModelRow>(db, modelRows, reader =>
        {
            var (id, group, slug) = (reader.GetOrdinal(nameof(GroupModel.Id)), reader.GetOrdinal(nameof(GroupModel.GroupId)),
                reader.GetOrdinal(nameof(GroupModel.Slug)));
            return () => new ModelRow(reader.GetInt32(id), reader.GetString(group), reader.GetString(slug));
        }, ct))
        {
            if (groups.TryGetValue(m.GroupId, out var group))
            {
                // Its slug is made one instance per slug by Build, as for any read.
                var model = new GroupModel { Id = m.Id, GroupId = group.Id, Slug = m.Slug };
                group.Models.Add(model);
                models[m.Id] = model;
            }
        }
        var (kind, type, unit) = (FromColumn<ModelLimit, LimitKind>(db, nameof(ModelLimit.Kind)),
            FromColumn<ModelLimit, LimitType>(db, nameof(ModelLimit.Type)), FromColumn<ModelLimit, LimitUnit>(db, nameof(ModelLimit.Unit)));
        var limitRows = db.ModelLimits.AsNoTracking().OrderBy(l => l.Id)
            .Select(l => new { l.Id, l.GroupModelId, l.Kind, l.Type, l.Unit, l.Threshold });
        await foreach (var limit in ReadRowsAsync<ModelLimit>(db, limitRows, reader =>
        {
            var ordinals = new[] { nameof(ModelLimit.Id), nameof(ModelLimit.GroupModelId), nameof(ModelLimit.Kind),
                nameof(ModelLimit.Type), nameof(ModelLimit.Unit), nameof(ModelLimit.Threshold) }.Select(reader.GetOrdinal).ToArray();
            return () => new ModelLimit
            {
                Id = reader.GetInt32(ordinals[0]),
                GroupModelId = reader.GetInt32(ordinals[1]),
                Kind = kind(reader.GetString(ordinals[2])),
                Type = type(reader.GetString(ordinals[3])),
                Unit = unit(reader.GetString(ordinals[4])),
                Threshold = reader.GetInt64(ordinals[5]),
            };
        }, ct))
        {
            if (models.TryGetValue(limit.GroupModelId, out var model))
            {
                model.Limits.Add(limit);
            }
        }
        return groups;
    }

    private readonly record struct GroupRow(string Id, string External, string? Parent, LimitEnforcement Enforcement);

    private readonly record struct ModelRow(int Id, string GroupId, string Slug);

    /// <summary>How EF Core reads a column stored through a value converter (the enums are stored as their names).</summary>
    private static Func<string, TValue> FromColumn<TEntity, TValue>(FrontierDbContext db, string property)
    {
        var converter = (ValueConverter<TValue, string>)db.Model.FindEntityType(typeof(TEntity))!.FindProperty(property)!
            .GetTypeMapping().Converter!;
        return converter.ConvertFromProviderExpression.Compile();
    }

    /// <summary>Every live group's policy and parent, read afresh.</summary>
    public Task<WholeGroups> LoadGroupsAsync(CancellationToken ct) => LoadGroupsAsync(SnapshotTable<GroupPolicy>.Empty, ct);

    /// <summary>
    /// The policies of those of <paramref name="ids"/> that are live, reading only them and their ancestors (a chain
    /// is at most <see cref="HierarchyRules.MaxDepth"/> long, so at most that many queries); the parents of all those read.
    /// </summary>
    public async Task<GroupLoad> LoadGroupsAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var known = new Dictionary<string, Group>(StringComparer.Ordinal);
        var asked = new HashSet<string>(ids, StringComparer.Ordinal);
        var wanted = ids.ToList();
        for (var depth = 0; depth < HierarchyRules.MaxDepth && wanted.Count > 0; depth++)
        {
            var found = await GroupTree.Live(db).AsNoTracking().AsSplitQuery().Where(g => wanted.Contains(g.Id)).ToListAsync(ct);
            found.ForEach(g => known[g.Id] = g);
            wanted = [.. found.Select(g => g.ParentGroupId).OfType<string>().Where(asked.Add)];
        }
        var load = Build(ids.Where(known.ContainsKey).Select(id => known[id]), known, SnapshotTable<GroupPolicy>.Empty);
        foreach (var group in known.Values)
        {
            load.Parents.TryAdd(group.Id, group.ParentGroupId);
        }
        return load;
    }

    private static GroupLoad Build(IEnumerable<Group> groups, Dictionary<string, Group> byId, SnapshotTable<GroupPolicy> current)
    {
        var load = new GroupLoad(new Dictionary<string, GroupPolicy>(byId.Count, StringComparer.Ordinal),
            new Dictionary<string, string?>(byId.Count, StringComparer.Ordinal));
        // Each model row brings its own copy of its slug, which the policy keeps (as a key, and in every counter):
        // one instance per slug is kept instead, as for the keys' group ids.
        var slugs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in byId.Values.SelectMany(g => g.Models))
        {
            model.Slug = Shared(slugs, model.Slug);
        }
        foreach (var group in groups)
        {
            var policy = PolicyBuilder.Build(GroupChain.Walk(group, g => g.ParentGroupId, byId));
            load.Policies[group.Id] = current.TryGetValue(group.Id, out var known) && known.SameAs(policy) ? known : policy;
            load.Parents[group.Id] = group.ParentGroupId;
        }
        return load;
    }

    /// <summary>
    /// Every live group's root, from the groups' parent links alone: a light read for a host that listens before its
    /// whole read has ended, whose counters are named by tree (<see cref="IGroupRoots"/>) for groups not read yet.
    /// </summary>
    public async Task<Dictionary<string, string>> LoadRootsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var parents = await db.Groups.AsNoTracking().Select(g => new { g.Id, g.ParentGroupId })
            .ToDictionaryAsync(g => g.Id, g => g.ParentGroupId, StringComparer.Ordinal, ct);
        var roots = new Dictionary<string, string>(parents.Count, StringComparer.Ordinal);
        foreach (var id in parents.Keys)
        {
            // As GroupChain walks it: at most MaxDepth groups, ending at a root or at a parent that is not live.
            var root = id;
            for (var depth = 1; depth < HierarchyRules.MaxDepth && parents[root] is { } parent && parents.ContainsKey(parent); depth++)
            {
                root = parent;
            }
            roots[id] = root;
        }
        return roots;
    }

    public async Task<FrozenDictionary<string, EndpointRoute>> LoadEndpointsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = await db.Endpoints.AsNoTracking().Include(e => e.Targets.OrderBy(t => t.Position)).ToListAsync(ct);
        return all.ToFrozenDictionary(e => e.Slug, ToRoute, StringComparer.Ordinal);
    }

    private EndpointRoute ToRoute(Endpoint endpoint)
    {
        var simulated = endpoint.Targets.TrueForAll(t => t.Provider == ProviderKind.Simulated);
        var targets = endpoint.Targets.Where(t => simulated || t.Provider != ProviderKind.Simulated)
            .Select(t => new RouteTarget(RouteTarget.IdOf(endpoint.Id, t.Position), t.Provider, t.BaseUrl, t.TargetModel ?? endpoint.Slug,
                endpoints.Unprotect(t), t.Weight, t.Priority));
        return new EndpointRoute(endpoint.Slug, endpoint.Id, simulated,
            targets.ToFrozenDictionary(t => t.DestinationId, StringComparer.Ordinal), EndpointService.PriceOf(endpoint));
    }

    /// <summary>The change journal's first <paramref name="count"/> entries after <paramref name="after"/>, by id.</summary>
    public async Task<List<(long Id, ChangeSet Change)>> ReadChangesAsync(long after, int count, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entries = await db.Changes.AsNoTracking().Where(c => c.Id > after).OrderBy(c => c.Id).Take(count).ToListAsync(ct);
        return entries.ConvertAll(e => (e.Id, ChangeJournal.Read(e)));
    }

    /// <summary>The last id of the change journal written before <paramref name="before"/> (0 for none).</summary>
    public async Task<long> LastChangeBeforeAsync(DateTime before, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Changes.Where(c => c.At < before).MaxAsync(c => (long?)c.Id, ct) ?? 0;
    }

    /// <summary>The instance of <paramref name="text"/> that <paramref name="seen"/> holds, added when it holds none.</summary>
    private static string Shared(Dictionary<string, string> seen, string text)
    {
        ref var shared = ref CollectionsMarshal.GetValueRefOrAddDefault(seen, text, out _);
        return shared ??= text;
    }
}

/// <summary>Groups' policies, and parents (of those groups and of any read with them), by id.</summary>
internal sealed record GroupLoad(Dictionary<string, GroupPolicy> Policies, Dictionary<string, string?> Parents);

/// <summary>Every live group's policy, and each one's parent.</summary>
internal sealed record WholeGroups(SnapshotTable<GroupPolicy> Policies, Dictionary<string, string?> Parents);
