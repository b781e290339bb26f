using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Components.Shared;

namespace FrontierGateway.Tests.Unit.Portal.Components.Shared;

public sealed class AccessDeniedTests : PortalTest
{
    [Fact]
    public async Task Render_Customer_LinksBackToTheirOwnGroup()
    {
        var group = await CreateGroupAsync("cust_acme", name: "Acme");
        await SignInAsync(PortalRoles.Customer, group.Id);

        var sut = Render<AccessDenied>();

        sut.WaitForAssertion(() => Assert.Equal($"my/groups/{group.Id}",
            sut.FindAll("a").Single(a => a.TextContent == "your group").GetAttribute("href")));
        Assert.Contains("You do not have access to this page.", sut.Markup);
    }

    [Fact]
    public async Task Render_Viewer_LinksBackToTheOverview()
    {
        await SignInAsync(PortalRoles.Viewer);

        var sut = Render<AccessDenied>();

        sut.WaitForAssertion(() => Assert.Equal("./",
            sut.FindAll("a").Single(a => a.TextContent == "the overview").GetAttribute("href")));
        Assert.Single(sut.FindAll("a"), a => a.GetAttribute("href") == "account/login");
    }
}
