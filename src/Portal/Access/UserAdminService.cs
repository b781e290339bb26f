using FrontierGateway.Data;
using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Portal.Access;

/// <summary>
/// Invites, role changes and removals of portal users, each checked for an Admin and audited. Every
/// operation runs in a scope of its own (a fresh <see cref="UserManager{T}"/> and context), in one transaction.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, IDbContextFactory<FrontierDbContext> dbFactory,
    TimeProvider time)
{
    // One change at a time, so that two admins demoting each other cannot both pass the last-admin check
    // (within one process; the check against the store below covers the rest).
    private static readonly SemaphoreSlim WriteLock = new(1, 1);

    public async Task<List<PortalUserView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name }).ToListAsync(ct);
        var groupIds = users.Select(u => u.GroupId).OfType<string>().Distinct().ToList();
        // A customer bound to a deleted group still shows its group's name.
        var groups = await db.Groups.AsNoTracking().IgnoreQueryFilters().Where(g => groupIds.Contains(g.Id))
            .ToDictionaryAsync(g => g.Id, g => new GroupOption(g.Id, g.Name, g.ExternalEntityId), ct);
        return users.ConvertAll(u => ToView(u, RoleOf(roles.Where(r => r.UserId == u.Id).Select(r => r.Name)),
            u.GroupId is { } id ? groups.GetValueOrDefault(id) ?? new GroupOption(id, null, id) : null));
    }

    /// <summary>Live groups whose name or external id contains the text, for binding a customer.</summary>
    public async Task<List<GroupOption>> SearchGroupsAsync(string? text, int max = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Groups.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var term = text.Trim().ToLowerInvariant();
            query = query.Where(g => g.ExternalEntityId.ToLower().Contains(term)
                || (g.Name != null && g.Name.ToLower().Contains(term)));
        }
        return await query.OrderBy(g => g.Name ?? g.ExternalEntityId).Take(max)
            .Select(g => new GroupOption(g.Id, g.Name, g.ExternalEntityId)).ToListAsync(ct);
    }

    /// <summary>Creates the user without a password and answers the one-time link that sets it.</summary>
    public Task<InviteLink> InviteAsync(PortalPrincipal admin, InviteInput input, CancellationToken ct = default) =>
        WriteAsync(admin, async (users, db) =>
        {
            var email = input.Email?.Trim();
            if (string.IsNullOrEmpty(email))
            {
                throw DomainException.Invalid("email", "email is required.");
            }
            var (role, groupId) = await CheckRoleAsync(db, input.Role, input.GroupId, ct);
            var user = new PortalUser { UserName = email, Email = email, GroupId = groupId };
            Check(await users.CreateAsync(user), "email");
            Check(await users.AddToRoleAsync(user, role), "role");
            var view = ToView(user, role, groupId is null ? null : await GroupAsync(db, groupId, ct));
            Audit(db, admin, "user.invite", user.Id, null, view);
            return new InviteLink(view, InviteLink.For(user.Id, await users.GeneratePasswordResetTokenAsync(user)));
        }, ct);

    /// <summary>A fresh link for a user who has not accepted the invite yet; earlier links stop working.</summary>
    public Task<InviteLink> RenewInviteAsync(PortalPrincipal admin, string userId, CancellationToken ct = default) =>
        WriteAsync(admin, async (users, db) =>
        {
            var user = await FindAsync(users, userId);
            if (await users.HasPasswordAsync(user))
            {
                throw DomainException.Invalid("id", $"{user.Email} has already accepted the invite.");
            }
            // A new stamp invalidates every token issued before, so only the newest link works.
            Check(await users.UpdateSecurityStampAsync(user), "id");
            var view = ToView(user, RoleOf(await users.GetRolesAsync(user)), null);
            Audit(db, admin, "user.invite_renew", user.Id, null, new { view.Email });
            return new InviteLink(view, InviteLink.For(user.Id, await users.GeneratePasswordResetTokenAsync(user)));
        }, ct);

    public Task<PortalUserView> ChangeRoleAsync(PortalPrincipal admin, string userId, string? role, string? groupId,
        CancellationToken ct = default) =>
        WriteAsync(admin, async (users, db) =>
        {
            var user = await FindAsync(users, userId);
            if (user.Id == admin.UserId)
            {
                throw DomainException.Invalid("role", "You cannot change your own role.");
            }
            var (newRole, newGroup) = await CheckRoleAsync(db, role, groupId, ct);
            var oldRoles = await users.GetRolesAsync(user);
            var before = ToView(user, RoleOf(oldRoles), user.GroupId is null ? null : await GroupAsync(db, user.GroupId, ct));
            if (before.Role == PortalRoles.Admin && newRole != PortalRoles.Admin)
            {
                await EnsureAnotherAdminAsync(users, "role");
            }
            Check(await users.RemoveFromRolesAsync(user, oldRoles), "role");
            Check(await users.AddToRoleAsync(user, newRole), "role");
            user.GroupId = newGroup;
            // The new stamp signs the user out at the next cookie validation, so the old role's claims expire.
            Check(await users.UpdateSecurityStampAsync(user), "role");
            var after = ToView(user, newRole, newGroup is null ? null : await GroupAsync(db, newGroup, ct));
            Audit(db, admin, "user.update", user.Id, before, after);
            return after;
        }, ct);

    public Task RemoveAsync(PortalPrincipal admin, string userId, CancellationToken ct = default) =>
        WriteAsync(admin, async (users, db) =>
        {
            var user = await FindAsync(users, userId);
            if (user.Id == admin.UserId)
            {
                throw DomainException.Invalid("id", "You cannot remove yourself.");
            }
            var before = ToView(user, RoleOf(await users.GetRolesAsync(user)), null);
            if (before.Role == PortalRoles.Admin)
            {
                await EnsureAnotherAdminAsync(users, "id");
            }
            Check(await users.DeleteAsync(user), "id");
            Audit(db, admin, "user.delete", user.Id, before, null);
            return true;
        }, ct);

    private async Task<T> WriteAsync<T>(PortalPrincipal admin, Func<UserManager<PortalUser>, FrontierDbContext, Task<T>> change,
        CancellationToken ct)
    {
        if (!admin.IsAdmin)
        {
            throw NotAdmin();
        }
        await WriteLock.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            // The same scoped context Identity's stores write through, so the audit entry shares the transaction.
            var db = scope.ServiceProvider.GetRequiredService<FrontierDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The principal's role comes from its sign-in cookie; an admin demoted since then is refused here.
            if (await users.FindByIdAsync(admin.UserId) is not { } acting || !await users.IsInRoleAsync(acting, PortalRoles.Admin))
            {
                throw NotAdmin();
            }
            var result = await change(users, db);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return result;
        }
        finally
        {
            WriteLock.Release();
        }
    }

    private static async Task<(string Role, string? GroupId)> CheckRoleAsync(FrontierDbContext db, string? role,
        string? groupId, CancellationToken ct)
    {
        if (role is null || !PortalRoles.All.Contains(role))
        {
            throw DomainException.Invalid("role", $"role must be one of {string.Join(", ", PortalRoles.All)}.");
        }
        if (role != PortalRoles.Customer)
        {
            return (role, null);
        }
        if (string.IsNullOrEmpty(groupId))
        {
            throw DomainException.Invalid("group_id", "A customer must be bound to a group.");
        }
        return await db.Groups.AnyAsync(g => g.Id == groupId, ct)
            ? (role, groupId)
            : throw DomainException.Invalid("group_id", $"No live group \"{groupId}\".");
    }

    private static async Task EnsureAnotherAdminAsync(UserManager<PortalUser> users, string param)
    {
        if ((await users.GetUsersInRoleAsync(PortalRoles.Admin)).Count <= 1)
        {
            throw DomainException.Invalid(param, "The last admin cannot be removed or demoted: make another admin first.",
                "last_admin");
        }
    }

    private static async Task<PortalUser> FindAsync(UserManager<PortalUser> users, string id) =>
        await users.FindByIdAsync(id) ?? throw DomainException.NotFound("id", $"No user \"{id}\".");

    private static Task<GroupOption?> GroupAsync(FrontierDbContext db, string id, CancellationToken ct) =>
        db.Groups.AsNoTracking().IgnoreQueryFilters().Where(g => g.Id == id)
            .Select(g => new GroupOption(g.Id, g.Name, g.ExternalEntityId)).FirstOrDefaultAsync(ct);

    private static void Check(IdentityResult result, string param)
    {
        if (!result.Succeeded)
        {
            throw DomainException.Invalid(param, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    private void Audit(FrontierDbContext db, PortalPrincipal admin, string action, string userId, object? before,
        object? after) =>
        AuditLog.Record(db, admin.Actor, action, "user", userId, before, after, time.GetUtcNow().UtcDateTime);

    private static string RoleOf(IEnumerable<string?> roles) =>
        PortalRoles.All.FirstOrDefault(roles.Contains) ?? "None";

    /// <summary>A refusal the portal shows as it shows any domain error; an admin demoted since signing in meets it.</summary>
    private static DomainException NotAdmin() => new(403, null, "Only an admin can change users.", "forbidden");

    private static PortalUserView ToView(PortalUser user, string role, GroupOption? group) =>
        new(user.Id, user.Email ?? user.UserName ?? user.Id, role, group, user.PasswordHash is null);
}
