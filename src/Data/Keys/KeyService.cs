using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Paging;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Keys;

/// <summary>Customer keys: minted under a group, shown once, revoked for good.</summary>
public sealed class KeyService(IDbContextFactory<FrontierDbContext> dbFactory, IChangeBus changes, IRevocations revocations,
    TimeProvider time)
{
    public async Task<MintedKeyView> MintAsync(string groupId, KeyCreateInput input, string actor, CancellationToken ct = default)
    {
        if (!StoredText.Fits(input.Name, GroupService.MaxTextLength))
        {
            throw DomainException.Invalid("name", $"name must be at most {GroupService.MaxTextLength} characters.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (input.ExpiresAt is { } expires && expires.ToUniversalTime() <= now)
        {
            throw DomainException.Invalid("expires_at", "expires_at must be in the future.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Not into a group a delete is taking away (it would miss this key and leave it live).
        await using var transaction = await HierarchyLock.BeginAsync(db, ct);
        await GroupService.FindOrThrowAsync(db, groupId, ct);
        var (prefix, secret) = KeySecrets.NewKey();
        // A revoked key keeps its prefix for good.
        while (await db.CustomerApiKeys.IgnoreQueryFilters().AnyAsync(k => k.Prefix == prefix, ct))
        {
            (prefix, secret) = KeySecrets.NewKey();
        }
        var key = new CustomerApiKey
        {
            Prefix = prefix,
            SecretHash = KeySecrets.Hash(secret),
            Name = input.Name,
            GroupId = groupId,
            CreatedAt = now,
            ExpiresAt = input.ExpiresAt?.ToUniversalTime(),
        };
        db.CustomerApiKeys.Add(key);
        AuditLog.Record(db, actor, "key.create", "api_key", prefix, null, ToView(key), now);
        ChangeJournal.Record(db, ChangeSet.Keys(prefix), now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await changes.PublishAsync(ChangeSet.Keys(prefix), ct);
        return new MintedKeyView($"{prefix}.{secret}", prefix, key.Name, key.ExpiresAt);
    }

    public async Task<Page<KeyView>> ListAsync(string groupId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await GroupService.FindOrThrowAsync(db, groupId, ct);
        var query = OfGroup(db, groupId);
        if (page.After is { } after)
        {
            query = query.Where(k => string.Compare(k.Prefix, after) > 0);
        }
        var keys = await query.OrderBy(k => k.Prefix).Take(page.Limit + 1).ToListAsync(ct);
        return page.ToPage(keys.ConvertAll(ToView), k => k.Prefix);
    }

    /// <summary>
    /// Every key of the group not yet revoked (expired ones included), and with <paramref name="includeRevoked"/> the
    /// revoked ones too, with when and by whom; newest first; for the portal.
    /// </summary>
    public async Task<IReadOnlyList<KeyView>> ListAllAsync(string groupId, bool includeRevoked = false,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await GroupService.FindOrThrowAsync(db, groupId, ct);
        var query = includeRevoked
            ? db.CustomerApiKeys.IgnoreQueryFilters().Where(k => k.GroupId == groupId)
            : OfGroup(db, groupId);
        var keys = await query.AsNoTracking().ToListAsync(ct);
        return [.. keys.OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Prefix, StringComparer.Ordinal).Select(ToView)];
    }

    public async Task<KeyView> GetAsync(string groupId, string prefix, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await GroupService.FindOrThrowAsync(db, groupId, ct);
        return ToView(await FindOrThrowAsync(db, groupId, prefix, ct));
    }

    public async Task<RevokedKeyView> RevokeAsync(string groupId, string prefix, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await GroupService.FindOrThrowAsync(db, groupId, ct);
        var key = await FindOrThrowAsync(db, groupId, prefix, ct);
        key.RevokedAt = time.GetUtcNow().UtcDateTime;
        key.RevokedBy = actor;
        AuditLog.Record(db, actor, "key.revoke", "api_key", prefix, ToView(key) with { RevokedAt = null, RevokedBy = null },
            null, key.RevokedAt.Value);
        ChangeJournal.Record(db, ChangeSet.Keys(prefix), key.RevokedAt.Value);
        await db.SaveChangesAsync(ct);
        await revocations.RecordAsync([new RevokedKey(prefix, key.GroupId)], [], ct);
        await changes.PublishAsync(ChangeSet.Keys(prefix) with { KeysRevoked = true }, ct);
        return new RevokedKeyView(prefix);
    }

    private static IQueryable<CustomerApiKey> OfGroup(FrontierDbContext db, string groupId) =>
        db.CustomerApiKeys.Where(k => k.GroupId == groupId);

    private static async Task<CustomerApiKey> FindOrThrowAsync(FrontierDbContext db, string groupId, string prefix,
        CancellationToken ct) =>
        await OfGroup(db, groupId).FirstOrDefaultAsync(k => k.Prefix == prefix, ct)
        ?? throw DomainException.NotFound("prefix", $"No live key with prefix \"{prefix}\" in this group.");

    private static KeyView ToView(CustomerApiKey k) =>
        new(k.Prefix, k.Name, k.CreatedAt, k.LastUsedAt, k.ExpiresAt, k.RevokedAt, k.RevokedBy);
}
