using Bunit;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Components.Pages.Endpoints;
using FrontierGateway.Portal.Components.Pages.Users;
using FrontierGateway.Portal.Components.Pages.WorkspaceKeys;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Pages;

public sealed class RoleRenderingTests : IAsyncLifetime
{
    private readonly PortalHarness ctx = new();

    public Task InitializeAsync() => ctx.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)ctx).DisposeAsync();

    [Fact]
    public async Task EndpointList_Viewer_DisablesEveryWriteControlButStillShows()
    {
        await SeedEndpointAsync();
        await ctx.SignInAsync(PortalRoles.Viewer);

        var sut = ctx.RenderPage<EndpointList>();

        sut.WaitForAssertion(() => Assert.Contains("acme/chat", sut.Markup));
        Assert.True(PortalHarness.Button(sut, "New endpoint").HasAttribute("disabled"));
        Assert.True(sut.Find("button[aria-label='Delete acme/chat']").HasAttribute("disabled"));
        Assert.Contains("read-only access", sut.Markup);
        await sut.InvokeAsync(() => sut.Find("button[aria-label='View acme/chat']").Click());
        sut.WaitForElement("#endpoint-slug");
        Assert.True(PortalHarness.Button(sut, "Save").HasAttribute("disabled"));
        Assert.True(PortalHarness.Button(sut, "Add target").HasAttribute("disabled"));
    }

    [Fact]
    public async Task EndpointList_Admin_EnablesWriteControls()
    {
        await SeedEndpointAsync();
        await ctx.SignInAsync(PortalRoles.Admin);

        var sut = ctx.RenderPage<EndpointList>();

        sut.WaitForAssertion(() => Assert.Contains("acme/chat", sut.Markup));
        Assert.False(PortalHarness.Button(sut, "New endpoint").HasAttribute("disabled"));
        Assert.False(sut.Find("button[aria-label='Delete acme/chat']").HasAttribute("disabled"));
        Assert.NotNull(sut.Find("button[aria-label='Edit acme/chat']"));
        Assert.DoesNotContain("read-only access", sut.Markup);
    }

    [Fact]
    public async Task WorkspaceKeyList_Viewer_DisablesMintAndRevoke()
    {
        var admin = await ctx.AddUserAsync("other.admin@example.com", PortalRoles.Admin);
        var (_, key) = await ctx.Services.GetRequiredService<FrontierGateway.Data.Keys.WorkspaceKeyService>()
            .MintAsync("ci", WorkspaceScope.View, $"user:{admin.Email}");
        await ctx.SignInAsync(PortalRoles.Viewer);

        var sut = ctx.RenderPage<WorkspaceKeyList>();

        sut.WaitForAssertion(() => Assert.Contains(key.Prefix, sut.Markup));
        Assert.True(PortalHarness.Button(sut, "New key").HasAttribute("disabled"));
        Assert.True(sut.Find($"button[aria-label='Revoke {key.Prefix}']").HasAttribute("disabled"));
    }

    [Fact]
    public async Task UserList_Viewer_DisablesInviteAndEveryUserChange()
    {
        await ctx.AddUserAsync("other.admin@example.com", PortalRoles.Admin);
        await ctx.SignInAsync(PortalRoles.Viewer);

        var sut = ctx.RenderPage<UserList>();

        sut.WaitForAssertion(() => Assert.Contains("other.admin@example.com", sut.Markup));
        Assert.True(PortalHarness.Button(sut, "Invite user").HasAttribute("disabled"));
        Assert.True(sut.Find("button[aria-label='Remove other.admin@example.com']").HasAttribute("disabled"));
        Assert.True(sut.Find("button[aria-label='Change role of other.admin@example.com']").HasAttribute("disabled"));
    }

    [Fact]
    public async Task UserList_Admin_CanChangeOthersButNotThemselves()
    {
        await ctx.AddUserAsync("viewer@example.com", PortalRoles.Viewer);
        await ctx.SignInAsync(PortalRoles.Admin);

        var sut = ctx.RenderPage<UserList>();

        sut.WaitForAssertion(() => Assert.Contains("viewer@example.com", sut.Markup));
        Assert.False(sut.Find("button[aria-label='Remove viewer@example.com']").HasAttribute("disabled"));
        Assert.True(sut.Find($"button[aria-label='Remove {PortalHarness.AdminEmail}']").HasAttribute("disabled"));
    }

    private Task<EndpointView> SeedEndpointAsync() =>
        ctx.Services.GetRequiredService<EndpointService>().CreateAsync(new EndpointInput("acme/chat",
            [new TargetInput("OPENAI_COMPATIBLE", "https://upstream.example/v1", null, "sk-x", null, null)]), "test");
}
