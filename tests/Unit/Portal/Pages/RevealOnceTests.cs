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

public sealed class RevealOnceTests : PortalTest
{
    [Fact]
    public async Task Copy_Clicked_WritesTheValueToTheClipboardAndSaysCopied()
    {
        var (sut, snackbars) = RenderProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        await sut.InvokeAsync(() => RevealOnceDialog.ShowAsync(dialogs, "Workspace key created",
            new RevealedSecret("prefix.secret-value", "Workspace key"), null));

        Assert.Equal("prefix.secret-value", sut.WaitForElement("[data-testid=revealed-value]").GetAttribute("value"));
        Assert.Contains("will not be shown again", sut.Markup);
        await sut.InvokeAsync(() => sut.Find("button[aria-label=Copy]").Click());

        var invocation = JSInterop.VerifyInvoke("navigator.clipboard.writeText");
        Assert.Equal("prefix.secret-value", invocation.Arguments.Single());
        snackbars.WaitForAssertion(() => Assert.Contains("Copied", snackbars.Markup));
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
        Assert.NotNull(await Services.GetRequiredService<WorkspaceKeyService>().AuthenticateAsync(key));
        await dialogs.ClickAsync("Done");

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=revealed-value]")));
        Assert.Contains(prefix, sut.Markup);
        Assert.All(new[] { sut.Markup, dialogs.Markup, snackbars.Markup }, markup => Assert.DoesNotContain(key, markup));
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

    [Fact]
    public async Task AddSecret_AsAdmin_ShowsTheWebhookSecretOnceThenOnlyItsId()
    {
        await SignInAsync(PortalRoles.Admin);
        var (dialogs, snackbars) = RenderProviders();
        var sut = Render<WebhookSettings>();

        sut.WaitForAssertion(() => Assert.False(sut.Button("Add secret").IsDisabled()));
        await sut.ClickAsync("Add secret");

        var secret = sut.WaitForElement("[data-testid=revealed-value]").GetAttribute("value")!;
        var stored = Assert.Single((await Services.GetRequiredService<WebhookService>().GetAsync()).Secrets);
        Assert.NotEmpty(secret);
        Assert.NotNull(sut.Find("button[aria-label='Copy secret']"));
        Assert.Contains("will not be shown again", sut.Markup);
        await sut.ClickAsync("Done");

        sut.WaitForAssertion(() => Assert.Empty(sut.FindAll("[data-testid=revealed-value]")));
        Assert.Contains(stored.Id, sut.Markup);
        Assert.All(new[] { sut.Markup, dialogs.Markup, snackbars.Markup }, markup => Assert.DoesNotContain(secret, markup));
    }
}
