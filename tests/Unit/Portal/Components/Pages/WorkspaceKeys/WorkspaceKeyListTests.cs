using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Components.Pages.WorkspaceKeys;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.WorkspaceKeys;

public sealed class WorkspaceKeyListTests : PortalTest
{
    private WorkspaceKeyService Keys => Services.GetRequiredService<WorkspaceKeyService>();

    [Fact]
    public async Task WorkspaceKeyList_Viewer_DisablesMintAndRevoke()
    {
        var admin = await AddUserAsync("other.admin@example.com", PortalRoles.Admin);
        var (_, key) = await Keys.MintAsync("ci", WorkspaceScope.View, $"user:{admin.Email}");
        await SignInAsync(PortalRoles.Viewer);

        RenderProviders();
        var sut = Render<WorkspaceKeyList>();

        sut.WaitForAssertion(() => Assert.Contains(key.Prefix, sut.Markup));
        Assert.True(sut.Button("New key").IsDisabled());
        Assert.True(sut.Find($"button[aria-label='Revoke {key.Prefix}']").IsDisabled());
    }

    [Fact]
    public async Task Mint_AsAdmin_ShowsTheKeyOnceThenOnlyItsPrefix()
    {
        await SignInAsync(PortalRoles.Admin);
        var (dialogs, snackbars) = RenderProviders();
        var sut = Render<WorkspaceKeyList>();

        sut.WaitForAssertion(() => Assert.False(sut.Button("New key").IsDisabled()));
        await sut.ClickAsync("New key");
        dialogs.WaitForElement("#workspace-key-name").Change("ci-bot");
        await dialogs.ClickAsync("Mint key");

        var key = dialogs.WaitForElement("[data-testid=revealed-value]").GetAttribute("value")!;
        var prefix = key.Split('.')[0];
        Assert.NotNull(await Keys.AuthenticateAsync(key));
        await dialogs.ClickAsync("Done");

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=revealed-value]")));
        Assert.Contains(prefix, sut.Markup);
        Assert.All(new[] { sut.Markup, dialogs.Markup, snackbars.Markup }, markup => Assert.DoesNotContain(key, markup));
    }
}
