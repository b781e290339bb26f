using System.Security.Claims;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace FrontierGateway.Portal.Access;

/// <summary>Who is signed in to the portal, and what they may see and change.</summary>
public sealed record PortalPrincipal(string UserId, string Email, string Role, string? GroupId)
{
    public bool IsAdmin => Role == PortalRoles.Admin;
    public bool IsCustomer => Role == PortalRoles.Customer;

    /// <summary>How the audit log names this user.</summary>
    public string Actor => $"user:{Email}";
}

/// <summary>
/// The portal's access rules, checked on the server in every handler that reads or writes: Admin does
/// everything, Viewer reads everything and changes nothing, Customer sees and manages only its group's
/// subtree (its keys; never limits). A refused change is said one way, here: an error snackbar.
/// </summary>
public sealed class PortalAccess(AuthenticationStateProvider authentication, IAuthorizationService authorization,
    IDbContextFactory<FrontierDbContext> dbFactory, ISnackbar snackbar)
{
    public const string Refused = "You are not allowed to do this.";

    public async Task<PortalPrincipal> GetAsync() => await FindAsync() ?? throw Denied();

    /// <summary>
    /// The signed-in user if the named policy (<see cref="PortalPolicies"/>) admits them, checked here on the server
    /// whatever the page showed; otherwise null, and the refusal is shown.
    /// </summary>
    public async Task<PortalPrincipal?> AuthorizeAsync(string policy)
    {
        // The policy is checked against the role stored now, not the one the sign-in cookie (or this open page) holds.
        return await FindAsync() is { } p && (await authorization.AuthorizeAsync(AsClaims(p), policy)).Succeeded ? p : Refuse();
    }

    /// <summary>The signed-in user if they may mint and revoke keys of the group; otherwise null, and the refusal is shown.</summary>
    public async Task<PortalPrincipal?> AuthorizeKeysAsync(string groupId) =>
        await GetAsync() is var p && await CanManageKeysAsync(p, groupId) ? p : Refuse();

    public async Task<bool> CanSeeGroupAsync(string groupId) => await CanSeeGroupAsync(await GetAsync(), groupId);

    /// <summary>Whether the user may mint and revoke keys of the group: an Admin, or its Customer.</summary>
    public async Task<bool> CanManageKeysAsync(string groupId) => await CanManageKeysAsync(await GetAsync(), groupId);

    // The user is read once a check (FindAsync reads the database), and handed on within it.
    private async Task<bool> CanSeeGroupAsync(PortalPrincipal p, string groupId) =>
        !p.IsCustomer || (p.GroupId is { } root && await IsInSubtreeAsync(groupId, root));

    private async Task<bool> CanManageKeysAsync(PortalPrincipal p, string groupId) =>
        p.IsAdmin || (p.IsCustomer && await CanSeeGroupAsync(p, groupId));

    /// <summary>Throws unless the user may see the group.</summary>
    public async Task EnsureCanSeeGroupAsync(string groupId)
    {
        if (!await CanSeeGroupAsync(groupId))
        {
            throw Denied();
        }
    }

    private async Task<bool> IsInSubtreeAsync(string groupId, string rootId)
    {
        if (groupId == rootId)
        {
            return true;
        }
        await using var db = await dbFactory.CreateDbContextAsync();
        Task<GroupLink?> FindAsync(string id) => db.Groups.Where(g => g.Id == id)
            .Select(g => new GroupLink(g.Id, g.ParentGroupId)).FirstOrDefaultAsync();
        return await FindAsync(groupId) is { } group
            && (await GroupChain.WalkAsync(group, g => g.ParentGroupId, FindAsync)).Exists(g => g.Id == rootId);
    }

    private sealed record GroupLink(string Id, string? ParentGroupId);

    /// <summary>
    /// The signed-in user as stored now, or null when nobody (or a user with no portal role) is signed in. Read from
    /// the database at every check, not kept for the page's life: a user demoted, bound to another group or removed
    /// since they signed in loses what they lost at their next click, in a tab left open too.
    /// </summary>
    public async Task<PortalPrincipal?> FindAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync();
        // One query: the user with the names of their roles (none when the user is gone).
        var stored = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new
        {
            u.Email, u.UserName, u.GroupId,
            Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name).ToList(),
        }).FirstOrDefaultAsync();
        return stored is not null && PortalRoles.All.FirstOrDefault(stored.Roles.Contains) is { } role
            ? new PortalPrincipal(id, stored.Email ?? stored.UserName ?? id, role, stored.GroupId)
            : null;
    }

    /// <summary>The user as the policies read them: their id and their stored role.</summary>
    private static ClaimsPrincipal AsClaims(PortalPrincipal p) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, p.UserId), new Claim(ClaimTypes.Role, p.Role)], "portal"));

    private PortalPrincipal? Refuse()
    {
        snackbar.Add(Refused, Severity.Error);
        return null;
    }

    private static UnauthorizedAccessException Denied() => new(Refused);
}
