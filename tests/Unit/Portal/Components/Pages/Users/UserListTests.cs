using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Components.Pages.Users;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Users;

public sealed class UserListTests : PortalTest
{
    [Fact]
    public async Task UserList_Viewer_DisablesInviteAndEveryUserChange()
    {
        await AddUserAsync("other.admin@example.com", PortalRoles.Admin);
        await SignInAsync(PortalRoles.Viewer);

        RenderProviders();
        var sut = Render<UserList>();

        sut.WaitForAssertion(() => Assert.Contains("other.admin@example.com", sut.Markup));
        Assert.True(sut.Button("Invite user").IsDisabled());
        Assert.True(sut.Find("button[aria-label='Remove other.admin@example.com']").IsDisabled());
        Assert.True(sut.Find("button[aria-label='Change role of other.admin@example.com']").IsDisabled());
    }

    [Fact]
    public async Task UserList_Admin_CanChangeOthersButNotThemselves()
    {
        await AddUserAsync("viewer@example.com", PortalRoles.Viewer);
        await SignInAsync(PortalRoles.Admin);

        RenderProviders();
        var sut = Render<UserList>();

        sut.WaitForAssertion(() => Assert.Contains("viewer@example.com", sut.Markup));
        Assert.False(sut.Find("button[aria-label='Remove viewer@example.com']").IsDisabled());
        Assert.True(sut.Find($"button[aria-label='Remove {AdminEmail}']").IsDisabled());
    }

    [Fact]
    public async Task Invite_Viewer_ShowsTheOneTimeLinkOnce()
    {
        await SignInAsync(PortalRoles.Admin);
        var (dialogs, snackbars) = RenderProviders();
        var sut = Render<UserList>();

        sut.WaitForAssertion(() => Assert.Contains(AdminEmail, sut.Markup));
        await sut.ClickAsync("Invite user");
        dialogs.WaitForElement("#invite-email").Change("new.viewer@example.com");
        await dialogs.ClickAsync("Create invite");

        var link = dialogs.WaitForElement("[data-testid=revealed-value]").GetAttribute("value")!;
        Assert.Contains("account/accept-invite?user=", link);
        Assert.Contains("&token=", link);
        await dialogs.ClickAsync("Done");

        sut.WaitForAssertion(() => Assert.Contains("Invite pending", sut.Markup));
        Assert.All(new[] { sut.Markup, dialogs.Markup, snackbars.Markup }, markup => Assert.DoesNotContain("token=", markup));
    }
}
