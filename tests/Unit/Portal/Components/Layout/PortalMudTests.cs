using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FrontierGateway.Tests.Unit.Portal.Components.Layout;

public sealed class PortalMudTests : PortalTest
{
    [Fact]
    public async Task Snackbar_Added_ShowsAtTheBottomAwayFromThePagesButtons()
    {
        await SignInAsync("Admin");
        var (_, snackbars) = RenderProviders();
        var sut = Services.GetRequiredService<ISnackbar>();

        await snackbars.InvokeAsync(() => sut.Add("Group “Acme” created", Severity.Success));

        snackbars.WaitForAssertion(() => Assert.Contains("Group “Acme” created", snackbars.Markup));
        Assert.NotEmpty(snackbars.FindAll(".mud-snackbar-location-bottom-right"));
        Assert.Empty(snackbars.FindAll("[class*='mud-snackbar-location-top']"));
    }

    [Fact]
    public async Task Snackbar_SameMessageTwice_ShowsItOnce()
    {
        await SignInAsync("Admin");
        var (_, snackbars) = RenderProviders();
        var sut = Services.GetRequiredService<ISnackbar>();

        await snackbars.InvokeAsync(() =>
        {
            sut.Add("Limits saved", Severity.Success);
            sut.Add("Limits saved", Severity.Success);
        });

        snackbars.WaitForAssertion(() => Assert.Single(snackbars.FindAll(".mud-snackbar")));
    }
}
