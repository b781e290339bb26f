using Bunit;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Components.Pages.Endpoints;
using FrontierGateway.Portal.Components.Pages.Users;
using FrontierGateway.Portal.Components.Pages.WorkspaceKeys;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Pages;

public sealed class RoleRenderingTests : PortalTest
{
    [Fact]
    public async Task EndpointList_Viewer_DisablesEveryWriteControlButStillShows()
    {
        await SeedEndpointAsync();
        await SignInAsync(PortalRoles.Viewer);

        var (dialogs, _) = RenderProviders();
        var sut = Render<EndpointList>();

        sut.WaitForAssertion(() => Assert.Contains("acme/chat", sut.Markup));
        Assert.True(sut.Button("New endpoint").IsDisabled());
        Assert.True(sut.Find("button[aria-label='Delete acme/chat']").IsDisabled());
        Assert.Contains("read-only access", sut.Markup);
        await sut.ClickAsync("View acme/chat");
        dialogs.WaitForElement("#endpoint-slug");
        Assert.True(dialogs.Button("Save").IsDisabled());
        Assert.True(dialogs.Button("Add target").IsDisabled());
    }

    [Fact]
    public async Task EndpointList_Admin_EnablesWriteControls()
    {
        await SeedEndpointAsync();
        await SignInAsync(PortalRoles.Admin);

        RenderProviders();
        var sut = Render<EndpointList>();

        sut.WaitForAssertion(() => Assert.Contains("acme/chat", sut.Markup));
        Assert.False(sut.Button("New endpoint").IsDisabled());
        Assert.False(sut.Find("button[aria-label='Delete acme/chat']").IsDisabled());
        Assert.NotNull(sut.Find("button[aria-label='Edit acme/chat']"));
        Assert.DoesNotContain("read-only access", sut.Markup);
    }

    [Fact]
    public async Task WorkspaceKeyList_Viewer_DisablesMintAndRevoke()
    {
        var admin = await AddUserAsync("other.admin@example.com", PortalRoles.Admin);
        var (_, key) = await Services.GetRequiredService<FrontierGateway.Data.Keys.WorkspaceKeyService>()
            .MintAsync("ci", WorkspaceScope.View, $"user:{admin.Email}");
        await SignInAsync(PortalRoles.Viewer);

        RenderProviders();
        var sut = Render<WorkspaceKeyList>();

        sut.WaitForAssertion(() => Assert.Contains(key.Prefix, sut.Markup));
        Assert.True(sut.Button("New key").IsDisabled());
        Assert.True(sut.Find($"button[aria-label='Revoke {key.Prefix}']").IsDisabled());
    }

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

    private Task<EndpointView> SeedEndpointAsync() =>
        Services.GetRequiredService<EndpointService>().CreateAsync(new EndpointInput("acme/chat",
            [new TargetInput("OPENAI_COMPATIBLE", "https://upstream.example/v1", null, "sk-x", null, null)]), "test");
}
