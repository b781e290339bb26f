using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Components.Pages.Billing;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Billing;

public sealed class DeliveryStatusTests : PortalTest
{
    [Fact]
    public async Task Render_NoDeliveries_ShowsNoColourOnEitherPage()
    {
        await SignInAsync(PortalRoles.Admin);
        RenderProviders();

        var log = Render<Deliveries>();
        var overview = Render<DeliveryHealth>();

        log.WaitForAssertion(() => Assert.Equal(5, log.FindAll("[aria-label='Delivery health'] .mud-chip").Count));
        overview.WaitForAssertion(() => Assert.Equal(5, overview.FindAll("[aria-label='Delivery health'] .mud-chip").Count));
        Assert.Empty(log.FindAll("[aria-label='Delivery health'] .mud-chip:not(.mud-chip-color-default)"));
        Assert.Empty(overview.FindAll("[aria-label='Delivery health'] .mud-chip:not(.mud-chip-color-default)"));
    }

    [Fact]
    public async Task Render_BothPages_NameTheStatesTheSame()
    {
        await SignInAsync(PortalRoles.Admin);
        RenderProviders();

        var log = Render<Deliveries>();
        var overview = Render<DeliveryHealth>();

        log.WaitForAssertion(() => Assert.Equal(5, log.FindAll("[aria-label='Delivery health'] .mud-chip").Count));
        overview.WaitForAssertion(() => Assert.Equal(5, overview.FindAll("[aria-label='Delivery health'] .mud-chip").Count));
        var names = overview.FindAll("[aria-label='Delivery health'] .mud-chip").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(names, log.FindAll("[aria-label='Delivery health'] .mud-chip").Select(c => c.TextContent.Trim()));
        Assert.Contains("Refused (4xx): 0", names);
        Assert.Contains("Retrying: 0", names);
    }

    [Theory]
    [InlineData("DEAD", 1, MudBlazor.Color.Error)]
    [InlineData("FAILED", 2, MudBlazor.Color.Error)]
    [InlineData("RETRYING", 1, MudBlazor.Color.Warning)]
    [InlineData("DEAD", 0, MudBlazor.Color.Default)]
    [InlineData("DELIVERED", 9, MudBlazor.Color.Default)]
    public void Color_ByStateAndCount_ColoursOnlyWhatToActOn(string status, int count, MudBlazor.Color expected) =>
        Assert.Equal(expected, DeliveryStatusText.Color(status, count));
}
