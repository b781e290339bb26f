using Bunit;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace FrontierGateway.Tests.Unit.Portal.Shared;

public sealed class RevealOnceTests : IAsyncLifetime
{
    private const string Secret = "prefix.secret-value";
    private const string HowToCopy = "The browser did not allow copying";

    private readonly PortalHarness ctx = new();

    public Task InitializeAsync() => ctx.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)ctx).DisposeAsync();

    private IRenderedComponent<Bunit.Rendering.ContainerFragment> RenderSut() => ctx.RenderWithProviders(b =>
    {
        b.OpenComponent<RevealOnce>(0);
        b.AddComponentParameter(1, nameof(RevealOnce.Value), Secret);
        b.AddComponentParameter(2, nameof(RevealOnce.Label), "Signing secret");
        b.AddComponentParameter(3, nameof(RevealOnce.CopyLabel), "Copy secret");
        b.CloseComponent();
    });

    [Fact]
    public async Task Copy_ClipboardWorks_WritesTheSecretAndSaysCopied()
    {
        var sut = RenderSut();

        Assert.Equal(Secret, sut.Find("input[data-testid=revealed-value]").GetAttribute("value"));
        Assert.Contains("it will not be shown again", sut.Markup);
        await sut.InvokeAsync(() => sut.Find("button[aria-label='Copy secret']").Click());

        sut.WaitForAssertion(() => Assert.Contains("Copied", sut.Markup));
        var invocation = ctx.JSInterop.VerifyInvoke("navigator.clipboard.writeText");
        Assert.Equal(Secret, invocation.Arguments.Single());
        Assert.DoesNotContain(HowToCopy, sut.Markup);
    }

    [Fact]
    public async Task Copy_BrowserRefuses_SelectsTheFieldAndSaysHowToCopyByHand()
    {
        ctx.JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true)
            .SetException(new JSException("NotAllowedError: Write permission denied."));
        var sut = RenderSut();

        await sut.InvokeAsync(() => sut.Find("button[aria-label='Copy secret']").Click());

        sut.WaitForAssertion(() => Assert.Contains(HowToCopy, sut.Find("[role=status]").TextContent));
        Assert.Equal(Secret, sut.Find("input[data-testid=revealed-value]").GetAttribute("value"));
        Assert.Contains(ctx.JSInterop.Invocations, i => i.Identifier.EndsWith("select", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("Copied", sut.Markup);
    }
}
