using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Portal.Components.Pages.Billing;
using FrontierGateway.Portal.Components.Pages.Users;
using FrontierGateway.Portal.Components.Pages.WorkspaceKeys;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FrontierGateway.Tests.Unit.Portal.Pages;

public sealed class RevealOnceTests : IAsyncLifetime
{
    private readonly PortalHarness ctx = new();

    public Task InitializeAsync() => ctx.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)ctx).DisposeAsync();

    [Fact]
    public async Task Copy_Clicked_WritesTheValueToTheClipboardAndSaysCopied()
    {
        var sut = ctx.RenderWithProviders();
        var dialogs = ctx.Services.GetRequiredService<IDialogService>();
        await sut.InvokeAsync(() => RevealOnceDialog.ShowAsync(dialogs, "Workspace key created",
            new RevealedSecret("prefix.secret-value", "Workspace key"), null));

        Assert.Equal("prefix.secret-value", sut.WaitForElement("[data-testid=revealed-value]").GetAttribute("value"));
        Assert.Contains("will not be shown again", sut.Markup);
        await sut.InvokeAsync(() => sut.Find("button[aria-label=Copy]").Click());

        var invocation = ctx.JSInterop.VerifyInvoke("navigator.clipboard.writeText");
        Assert.Equal("prefix.secret-value", invocation.Arguments.Single());
        sut.WaitForAssertion(() => Assert.Contains("Copied", sut.Markup));
    }

    [Fact]
    public async Task Mint_AsAdmin_ShowsTheKeyOnceThenOnlyItsPrefix()
    {
        await ctx.SignInAsync(PortalRoles.Admin);
        var sut = ctx.RenderPage<WorkspaceKeyList>();

        sut.WaitForAssertion(() => Assert.False(PortalHarness.Button(sut, "New key").HasAttribute("disabled")));
        await PortalHarness.ClickAsync(sut, "New key");
        sut.WaitForElement("#workspace-key-name").Change("ci-bot");
        await PortalHarness.ClickAsync(sut, "Mint key");

        var key = sut.WaitForElement("[data-testid=revealed-value]").GetAttribute("value")!;
        var prefix = key.Split('.')[0];
        Assert.NotNull(await ctx.Services.GetRequiredService<WorkspaceKeyService>().AuthenticateAsync(key));
        await PortalHarness.ClickAsync(sut, "Done");

        sut.WaitForAssertion(() => Assert.Empty(sut.FindAll("[data-testid=revealed-value]")));
        Assert.Contains(prefix, sut.Markup);
        Assert.DoesNotContain(key, sut.Markup);
    }

    [Fact]
    public async Task Invite_Viewer_ShowsTheOneTimeLinkOnce()
    {
        await ctx.SignInAsync(PortalRoles.Admin);
        var sut = ctx.RenderPage<UserList>();

        sut.WaitForAssertion(() => Assert.Contains(PortalHarness.AdminEmail, sut.Markup));
        await PortalHarness.ClickAsync(sut, "Invite user");
        sut.WaitForElement("#invite-email").Change("new.viewer@example.com");
        await PortalHarness.ClickAsync(sut, "Create invite");

        var link = sut.WaitForElement("[data-testid=revealed-value]").GetAttribute("value")!;
        Assert.Contains("account/accept-invite?user=", link);
        Assert.Contains("&token=", link);
        await PortalHarness.ClickAsync(sut, "Done");

        sut.WaitForAssertion(() => Assert.Contains("Invite pending", sut.Markup));
        Assert.DoesNotContain("token=", sut.Markup);
    }

    [Fact]
    public async Task AddSecret_AsAdmin_ShowsTheWebhookSecretOnceThenOnlyItsId()
    {
        await ctx.SignInAsync(PortalRoles.Admin);
        var sut = ctx.RenderPage<WebhookSettings>();

        sut.WaitForAssertion(() => Assert.False(PortalHarness.Button(sut, "Add secret").HasAttribute("disabled")));
        await PortalHarness.ClickAsync(sut, "Add secret");

        var secret = sut.WaitForElement("[data-testid=revealed-value]").GetAttribute("value")!;
        var stored = Assert.Single((await ctx.Services.GetRequiredService<WebhookService>().GetAsync()).Secrets);
        Assert.NotEmpty(secret);
        Assert.NotNull(sut.Find("button[aria-label='Copy secret']"));
        Assert.Contains("will not be shown again", sut.Markup);
        await PortalHarness.ClickAsync(sut, "Done");

        sut.WaitForAssertion(() => Assert.Empty(sut.FindAll("[data-testid=revealed-value]")));
        Assert.Contains(stored.Id, sut.Markup);
        Assert.DoesNotContain(secret, sut.Markup);
    }
}
