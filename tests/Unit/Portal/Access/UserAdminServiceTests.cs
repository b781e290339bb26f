using System.Security.Claims;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Portal.Access;

/// <summary>User administration on the real host (Identity over a real SQLite file, development admin seeded).</summary>
public sealed class UserAdminServiceTests : IAsyncLifetime
{
    private const string SeedAdmin = "admin@example.com";

    private readonly GatewayFactory host = new();
    private UserAdminService sut = default!;
    private PortalPrincipal admin = default!;

    public async Task InitializeAsync()
    {
        sut = host.Services.GetRequiredService<UserAdminService>();
        admin = await PrincipalAsync(SeedAdmin);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public void SignInCookie_CheckedAgainstTheStoredStampEveryMinute()
    {
        var options = host.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(1), options.ValidationInterval);
    }

    [Fact]
    public async Task OpenPage_UserDemotedOrRemoved_NoLongerSignedInAtTheNextCheck()
    {
        var demoted = (await sut.InviteAsync(admin, new InviteInput("demoted@acme.test", PortalRoles.Admin, null))).User;
        var removed = (await sut.InviteAsync(admin, new InviteInput("removed@acme.test", PortalRoles.Viewer, null))).User;
        var kept = (await sut.InviteAsync(admin, new InviteInput("kept@acme.test", PortalRoles.Viewer, null))).User;
        var pages = new Dictionary<string, ClaimsPrincipal>();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // What each one's sign-in cookie holds, as an open page (a circuit) keeps it.
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            foreach (var id in new[] { demoted.Id, removed.Id, kept.Id })
            {
                pages[id] = await signIn.CreateUserPrincipalAsync((await users.FindByIdAsync(id))!);
            }
        }
        await using var circuit = host.Services.CreateAsyncScope();
        var state = Assert.IsType<PortalAuthenticationState>(circuit.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());
        var before = new[] { await state.IsCurrentAsync(pages[demoted.Id]), await state.IsCurrentAsync(pages[removed.Id]) };

        await sut.ChangeRoleAsync(admin, demoted.Id, PortalRoles.Viewer, null);
        await sut.RemoveAsync(admin, removed.Id);

        Assert.Equal([true, true], before);
        Assert.False(await state.IsCurrentAsync(pages[demoted.Id]));
        Assert.False(await state.IsCurrentAsync(pages[removed.Id]));
        Assert.True(await state.IsCurrentAsync(pages[kept.Id]));
    }

    [Fact]
    public async Task InviteAsync_Customer_CreatesUserWithRoleGroupAndNoPassword()
    {
        var groupId = await host.Client().CreateGroupAsync("cust_42");

        var invite = await sut.InviteAsync(admin, new InviteInput("buyer@acme.test", PortalRoles.Customer, groupId));

        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByEmailAsync("buyer@acme.test");
        Assert.NotNull(user);
        Assert.Equal(groupId, user.GroupId);
        Assert.Equal([PortalRoles.Customer], await users.GetRolesAsync(user));
        Assert.False(await users.HasPasswordAsync(user));
        Assert.True(invite.User.InvitePending);
        Assert.StartsWith($"account/accept-invite?user={user.Id}&token=", invite.RelativeUrl);
        var audit = await host.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "user.invite"));
        Assert.Equal(($"user:{SeedAdmin}", user.Id), (audit.Actor, audit.TargetId));
        Assert.DoesNotContain("token", audit.After);
    }

    [Fact]
    public async Task InviteAsync_CustomerWithoutGroup_RefusedOnGroupId()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() =>
            sut.InviteAsync(admin, new InviteInput("buyer@acme.test", PortalRoles.Customer, null)));

        Assert.Equal("group_id", error.Param);
        Assert.Equal(0, await host.QueryAsync(db => db.Users.CountAsync(u => u.Email == "buyer@acme.test")));
    }

    [Fact]
    public async Task InviteAsync_DuplicateEmail_RefusedOnEmail()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() =>
            sut.InviteAsync(admin, new InviteInput(SeedAdmin, PortalRoles.Viewer, null)));

        Assert.Equal("email", error.Param);
    }

    [Fact]
    public async Task InviteAsync_ByViewer_Refused()
    {
        await sut.InviteAsync(admin, new InviteInput("viewer@acme.test", PortalRoles.Viewer, null));
        var viewer = await PrincipalAsync("viewer@acme.test");

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            sut.InviteAsync(viewer, new InviteInput("sneaky@acme.test", PortalRoles.Admin, null)));
        Assert.Equal(403, refused.Status);
        Assert.Equal(0, await host.QueryAsync(db => db.Users.CountAsync(u => u.Email == "sneaky@acme.test")));
    }

    [Fact]
    public async Task RemoveAsync_SoleAdminRemovesThemselves_RefusedAndStaysAdmin()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => sut.RemoveAsync(admin, admin.UserId));

        Assert.Equal("id", error.Param);
        Assert.Contains(await sut.ListAsync(), u => u.Email == SeedAdmin && u.Role == PortalRoles.Admin);
    }

    [Fact]
    public async Task RemoveAsync_DemotedAdminStillSignedInRemovesTheLastAdmin_Refused()
    {
        var second = (await sut.InviteAsync(admin, new InviteInput("second@acme.test", PortalRoles.Admin, null))).User;
        // Signed in while still an Admin: the cookie's role is stale once the first admin demotes them.
        var staleSecond = new PortalPrincipal(second.Id, second.Email, PortalRoles.Admin, null);
        await sut.ChangeRoleAsync(admin, second.Id, PortalRoles.Viewer, null);

        var refused = await Assert.ThrowsAsync<DomainException>(() => sut.RemoveAsync(staleSecond, admin.UserId));
        Assert.Equal(403, refused.Status);

        Assert.Contains(await sut.ListAsync(), u => u.Email == SeedAdmin && u.Role == PortalRoles.Admin);
    }

    [Fact]
    public async Task RemoveAsync_AnotherAdmin_RemovedAndAudited()
    {
        var second = (await sut.InviteAsync(admin, new InviteInput("second@acme.test", PortalRoles.Admin, null))).User;

        await sut.RemoveAsync(admin, second.Id);

        Assert.DoesNotContain(await sut.ListAsync(), u => u.Id == second.Id);
        var audit = await host.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "user.delete"));
        Assert.Equal(($"user:{SeedAdmin}", second.Id), (audit.Actor, audit.TargetId));
    }

    [Fact]
    public async Task ChangeRoleAsync_ViewerToCustomer_BindsGroupAndAudits()
    {
        var groupId = await host.Client().CreateGroupAsync("cust_7");
        var viewer = (await sut.InviteAsync(admin, new InviteInput("v@acme.test", PortalRoles.Viewer, null))).User;

        var changed = await sut.ChangeRoleAsync(admin, viewer.Id, PortalRoles.Customer, groupId);

        Assert.Equal((PortalRoles.Customer, groupId), (changed.Role, changed.Group?.Id));
        var audit = await host.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "user.update"));
        Assert.Contains("Viewer", audit.Before);
        Assert.Contains("Customer", audit.After);
    }

    [Fact]
    public async Task ChangeRoleAsync_OwnRole_Refused()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() =>
            sut.ChangeRoleAsync(admin, admin.UserId, PortalRoles.Viewer, null));

        Assert.Equal("role", error.Param);
    }

    [Fact]
    public async Task SearchGroupsAsync_NamePart_FindsLiveGroupsOnly()
    {
        await host.Client().CreateGroupAsync("cust_acme");
        var gone = await host.Client().CreateGroupAsync("cust_acme_old");
        await host.Client().SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{gone}");

        var found = await sut.SearchGroupsAsync("ACME");

        Assert.Equal("cust_acme", Assert.Single(found).ExternalEntityId);
    }

    private async Task<PortalPrincipal> PrincipalAsync(string email)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException(email);
        return new PortalPrincipal(user.Id, email, (await users.GetRolesAsync(user)).Single(), user.GroupId);
    }
}
