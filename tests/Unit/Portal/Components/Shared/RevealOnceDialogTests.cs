using Bunit;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FrontierGateway.Tests.Unit.Portal.Components.Shared;

public sealed class RevealOnceDialogTests : PortalTest
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
}
