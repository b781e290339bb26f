using Bunit;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.JSInterop;
using MudBlazor;

namespace FrontierGateway.Tests.Unit.Portal.Components.Shared;

public sealed class RevealOnceTests : PortalTest
{
    private const string Secret = "prefix.secret-value";
    private const string HowToCopy = "The browser did not allow copying";

    /// <summary>The field and its copy button; "Copied" is said in a snackbar.</summary>
    private (IRenderedComponent<RevealOnce> Sut, IRenderedComponent<MudSnackbarProvider> Snackbars) RenderSut()
    {
        var (_, snackbars) = RenderProviders();
        var sut = Render<RevealOnce>(p => p.Add(r => r.Value, Secret).Add(r => r.Label, "Signing secret")
            .Add(r => r.CopyLabel, "Copy secret"));
        return (sut, snackbars);
    }

    [Fact]
    public async Task Copy_ClipboardWorks_WritesTheSecretAndSaysCopied()
    {
        var (sut, snackbars) = RenderSut();

        Assert.Equal(Secret, sut.Find("input[data-testid=revealed-value]").GetAttribute("value"));
        Assert.Contains("it will not be shown again", sut.Markup);
        await sut.InvokeAsync(() => sut.Find("button[aria-label='Copy secret']").Click());

        snackbars.WaitForAssertion(() => Assert.Contains("Copied", snackbars.Markup));
        var invocation = JSInterop.VerifyInvoke("navigator.clipboard.writeText");
        Assert.Equal(Secret, invocation.Arguments.Single());
        Assert.DoesNotContain(HowToCopy, sut.Markup);
    }

    [Fact]
    public async Task Copy_BrowserRefuses_SelectsTheFieldAndSaysHowToCopyByHand()
    {
        JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true)
            .SetException(new JSException("NotAllowedError: Write permission denied."));
        var (sut, snackbars) = RenderSut();

        await sut.InvokeAsync(() => sut.Find("button[aria-label='Copy secret']").Click());

        sut.WaitForAssertion(() => Assert.Contains(HowToCopy, sut.Find("[role=status]").TextContent));
        Assert.Equal(Secret, sut.Find("input[data-testid=revealed-value]").GetAttribute("value"));
        Assert.Contains(JSInterop.Invocations, i => i.Identifier.EndsWith("select", StringComparison.OrdinalIgnoreCase));
        Assert.All(new[] { sut.Markup, snackbars.Markup }, markup => Assert.DoesNotContain("Copied", markup));
    }
}
