using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Components.Pages.Groups;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Access;

public sealed class PortalPoliciesTests : PortalTest
{
    private PortalAccess Access => Services.GetRequiredService<PortalAccess>();

    [Theory]
    [InlineData(PortalRoles.Admin, PortalPolicies.Admin, true)]
    [InlineData(PortalRoles.Viewer, PortalPolicies.Admin, false)]
    [InlineData(PortalRoles.Customer, PortalPolicies.Admin, false)]
    [InlineData(PortalRoles.Admin, PortalPolicies.AdminOrViewer, true)]
    [InlineData(PortalRoles.Viewer, PortalPolicies.AdminOrViewer, true)]
    [InlineData(PortalRoles.Customer, PortalPolicies.AdminOrViewer, false)]
    [InlineData(PortalRoles.Customer, PortalPolicies.Customer, true)]
    [InlineData(PortalRoles.Admin, PortalPolicies.Customer, false)]
    public async Task AuthorizeAsync_Role_AdmittedByItsPoliciesOnly(string role, string policy, bool admitted)
    {
        await SignInAsync(role);
        var (_, snackbars) = RenderProviders();

        var principal = await Access.AuthorizeAsync(policy);

        Assert.Equal(admitted, principal is not null);
        Assert.Equal(admitted ? role : null, principal?.Role);
        snackbars.WaitForAssertion(() => Assert.Equal(!admitted, snackbars.Markup.Contains(PortalAccess.Refused)));
    }

    [Fact]
    public async Task AuthorizeAsync_AdminDemotedWhileTheirPageIsOpen_RefusedAtTheNextCheck()
    {
        var admin = await SignInAsync(PortalRoles.Admin);
        var other = await AddUserAsync("other-admin@example.com", PortalRoles.Admin);
        var (_, snackbars) = RenderProviders();
        var before = await Access.AuthorizeAsync(PortalPolicies.Admin);

        await Services.GetRequiredService<UserAdminService>().ChangeRoleAsync(
            new PortalPrincipal(other.Id, other.Email!, PortalRoles.Admin, null), admin.UserId, PortalRoles.Viewer, null);

        // The same scoped service (one open page), the sign-in cookie still saying Admin.
        Assert.NotNull(before);
        Assert.Null(await Access.AuthorizeAsync(PortalPolicies.Admin));
        Assert.Equal(PortalRoles.Viewer, (await Access.AuthorizeAsync(PortalPolicies.AdminOrViewer))?.Role);
    }

    [Fact]
    public async Task CanManageKeysAsync_CustomerBoundToAnotherGroupWhileTheirPageIsOpen_LosesTheOldGroup()
    {
        var first = await CreateGroupAsync("first-customer");
        var second = await CreateGroupAsync("second-customer");
        var customer = await SignInAsync(PortalRoles.Customer, first.Id);
        var admin = await AddUserAsync("binding-admin@example.com", PortalRoles.Admin);
        var before = (await Access.CanManageKeysAsync(first.Id), await Access.CanManageKeysAsync(second.Id));

        await Services.GetRequiredService<UserAdminService>().ChangeRoleAsync(
            new PortalPrincipal(admin.Id, admin.Email!, PortalRoles.Admin, null), customer.UserId, PortalRoles.Customer, second.Id);

        Assert.Equal((true, false), before);
        Assert.Equal((false, true), (await Access.CanManageKeysAsync(first.Id), await Access.CanManageKeysAsync(second.Id)));
    }

    [Fact]
    public async Task FindAsync_UserRemovedWhileTheirPageIsOpen_IsNobody()
    {
        var viewer = await SignInAsync(PortalRoles.Viewer);
        var admin = await AddUserAsync("removing-admin@example.com", PortalRoles.Admin);
        var before = await Access.FindAsync();

        await Services.GetRequiredService<UserAdminService>().RemoveAsync(
            new PortalPrincipal(admin.Id, admin.Email!, PortalRoles.Admin, null), viewer.UserId);

        Assert.Equal(viewer.UserId, before?.UserId);
        Assert.Null(await Access.FindAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(Access.GetAsync);
    }

    [Fact]
    public void AddPortalAuthorization_RegistersEveryPortalPolicy()
    {
        var options = new ServiceCollection().AddPortalAuthorization().AddLogging().BuildServiceProvider()
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthorizationOptions>>().Value;

        Assert.All(new[] { PortalPolicies.Admin, PortalPolicies.AdminOrViewer, PortalPolicies.Customer },
            name => Assert.NotNull(options.GetPolicy(name)));
    }

    [Fact]
    public async Task GroupSettings_ViewerRenamesAnyway_RefusedOnTheServer()
    {
        await SignInAsync(PortalRoles.Viewer);
        var group = await CreateGroupAsync("kept", name: "Kept name");
        var node = (await Groups.ListTreeAsync()).Single(n => n.Id == group.Id);
        var (_, snackbars) = RenderProviders();
        // ReadOnly is false, as a crafted call would be: the handler itself must refuse.
        var sut = Render<GroupSettings>(p => p.Add(s => s.Group, group).Add(s => s.Node, node));

        sut.Find("input").Change("Renamed");
        await sut.InvokeAsync(() => sut.Instance.RenameAsync());

        snackbars.WaitForAssertion(() => Assert.Contains(PortalAccess.Refused, snackbars.Markup));
        Assert.Equal("Kept name", (await Groups.GetAsync(group.Id)).Metadata.Name);
    }
}
