using System.Collections.Frozen;
using System.Collections.Immutable;
using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>Reads the parts of a snapshot from the database.</summary>
internal sealed class SnapshotLoader(IDbContextFactory<FrontierDbContext> dbFactory, EndpointService endpoints)
{
    public async Task<ImmutableDictionary<string, KeyEntry>> LoadKeysAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var builder = ImmutableDictionary.CreateBuilder<string, KeyEntry>(StringComparer.Ordinal);
        await foreach (var k in ToEntries(UnrevokedKeys(db)).AsAsyncEnumerable().WithCancellation(ct))
        {
            builder[k.Prefix] = k;
        }
        return builder.ToImmutable();
    }

    /// <summary>The given keys as they are now: live ones to set, the rest to remove.</summary>
    public async Task<ImmutableDictionary<string, KeyEntry>> RefreshKeysAsync(
        ImmutableDictionary<string, KeyEntry> keys, IReadOnlyList<string> prefixes, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var live = await ToEntries(UnrevokedKeys(db).Where(k => prefixes.Contains(k.Prefix))).ToDictionaryAsync(k => k.Prefix, ct);
        var builder = keys.ToBuilder();
        foreach (var prefix in prefixes)
        {
            if (live.TryGetValue(prefix, out var entry))
            {
                builder[prefix] = entry;
            }
            else
            {
                builder.Remove(prefix);
            }
        }
        return builder.ToImmutable();
    }

    /// <summary>Every live group's policy and parent.</summary>
    public async Task<GroupLoad> LoadGroupsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await GroupTree.Live(db).AsNoTracking().AsSplitQuery()
            .ToDictionaryAsync(g => g.Id, StringComparer.Ordinal, ct);
        return await BuildAsync(groups.Values, groups);
    }

    /// <summary>
    /// The policies and parents of those of <paramref name="ids"/> that are live, reading only them and their
    /// ancestors (a chain is at most <see cref="HierarchyRules.MaxDepth"/> long, so at most that many queries).
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
        return await BuildAsync(ids.Where(known.ContainsKey).Select(id => known[id]), known);
    }

    private static async Task<GroupLoad> BuildAsync(IEnumerable<Group> groups, Dictionary<string, Group> byId)
    {
        var load = new GroupLoad(new Dictionary<string, GroupPolicy>(StringComparer.Ordinal),
            new Dictionary<string, string?>(StringComparer.Ordinal));
        foreach (var group in groups)
        {
            load.Policies[group.Id] = PolicyBuilder.Build(await GroupChain.WalkAsync(group, g => g.ParentGroupId, byId));
            load.Parents[group.Id] = group.ParentGroupId;
        }
        return load;
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

    /// <summary>Every key not revoked; an expired one stays, as the request path refuses it by its expiry.</summary>
    private static IQueryable<CustomerApiKey> UnrevokedKeys(FrontierDbContext db) => db.CustomerApiKeys.AsNoTracking();

    private static IQueryable<KeyEntry> ToEntries(IQueryable<CustomerApiKey> keys) =>
        keys.Select(k => new KeyEntry(k.Prefix, k.SecretHash, k.GroupId, k.ExpiresAt));
}

/// <summary>Groups' policies and parents, by id.</summary>
internal sealed record GroupLoad(Dictionary<string, GroupPolicy> Policies, Dictionary<string, string?> Parents);
