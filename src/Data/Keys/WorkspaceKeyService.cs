using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Keys;

public sealed record WorkspaceKeyView(string Prefix, string? Name, WorkspaceScope Scope, DateTime CreatedAt, DateTime? LastUsedAt);

/// <summary>Keys for the management API, each with a scope.</summary>
public sealed class WorkspaceKeyService(IDbContextFactory<FrontierDbContext> dbFactory, TimeProvider time)
{
    /// <summary>The key presented, if it is live; null for a malformed, unknown or revoked key.</summary>
    public async Task<WorkspaceApiKey?> AuthenticateAsync(string presented, CancellationToken ct = default)
    {
        if (!KeySecrets.TrySplit(presented, out var prefix, out var secret))
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.WorkspaceApiKeys.AsNoTracking()
            .FirstOrDefaultAsync(k => k.Prefix == prefix, ct);
        return key is not null && KeySecrets.Verify(secret, key.SecretHash) ? key : null;
    }

    /// <summary>Mints a key; the full value is returned here and never again.</summary>
    public async Task<(string ApiKey, WorkspaceKeyView View)> MintAsync(string? name, WorkspaceScope scope, string actor,
        CancellationToken ct = default)
    {
        if (!StoredText.Fits(name, Groups.GroupService.MaxTextLength))
        {
            throw DomainException.Invalid("name", $"name must be at most {Groups.GroupService.MaxTextLength} characters.");
        }
        var (prefix, secret) = KeySecrets.NewKey();
        var key = await AddAsync(prefix, secret, string.IsNullOrWhiteSpace(name) ? null : name.Trim(), scope, actor, ct);
        return ($"{prefix}.{secret}", ToView(key));
    }

    /// <summary>Adds a key with a known value (the development bootstrap key) unless its prefix exists.</summary>
    public async Task EnsureAsync(string apiKey, string name, WorkspaceScope scope, CancellationToken ct = default)
    {
        if (!KeySecrets.TrySplit(apiKey, out var prefix, out var secret))
        {
            throw new InvalidOperationException("The key is not of the form <16-character prefix>.<secret of 32+ characters>.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // A revoked bootstrap key stays revoked: it is not added again.
        if (!await db.WorkspaceApiKeys.IgnoreQueryFilters().AnyAsync(k => k.Prefix == prefix, ct))
        {
            await AddAsync(prefix, secret, name, scope, "system:seed", ct);
        }
    }

    public async Task<List<WorkspaceKeyView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.WorkspaceApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return keys.ConvertAll(ToView);
    }

    public async Task RevokeAsync(string prefix, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.WorkspaceApiKeys.FirstOrDefaultAsync(k => k.Prefix == prefix, ct)
            ?? throw DomainException.NotFound("prefix", $"No live workspace key with prefix \"{prefix}\".");
        key.RevokedAt = time.GetUtcNow().UtcDateTime;
        AuditLog.Record(db, actor, "workspace_key.revoke", "workspace_key", prefix, ToView(key), null, key.RevokedAt.Value);
        await db.SaveChangesAsync(ct);
    }

    private async Task<WorkspaceApiKey> AddAsync(string prefix, string secret, string? name, WorkspaceScope scope,
        string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = new WorkspaceApiKey
        {
            Prefix = prefix,
            SecretHash = KeySecrets.Hash(secret),
            Name = name,
            Scope = scope,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.WorkspaceApiKeys.Add(key);
        AuditLog.Record(db, actor, "workspace_key.create", "workspace_key", prefix, null, ToView(key), key.CreatedAt);
        await db.SaveChangesAsync(ct);
        return key;
    }

    private static WorkspaceKeyView ToView(WorkspaceApiKey k) =>
        new(k.Prefix, k.Name, k.Scope, k.CreatedAt, k.LastUsedAt);
}
