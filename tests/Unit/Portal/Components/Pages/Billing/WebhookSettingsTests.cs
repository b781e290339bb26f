using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Portal.Components.Pages.Billing;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Billing;

public sealed class WebhookSettingsTests : PortalTest
{
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
