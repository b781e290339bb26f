using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Components.Pages.Groups;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Groups;

/// <summary>The group page's tab is in the URL: a reload keeps it, a link opens it.</summary>
public sealed class GroupPageTabsTests : PortalTest
{
    private static string ActiveTab(IRenderedComponent<GroupPage> cut) => cut.Find(".mud-tab.mud-tab-active").TextContent.Trim();

    [Fact]
    public async Task Render_KeysTabInTheQuery_OpensTheKeysTab()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("cust_acme", name: "Acme");
        Services.GetRequiredService<NavigationManager>().NavigateTo($"groups/{group.Id}?tab=keys");
        RenderProviders();

        var sut = Render<GroupPage>(p => p.Add(g => g.Id, group.Id));

        sut.WaitForAssertion(() => Assert.Equal("Keys", ActiveTab(sut)));
    }

    [Fact]
    public async Task ClickTab_Usage_PutsTheTabInTheUrlAndKeepsTheGroup()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("cust_acme", name: "Acme");
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo($"groups/{group.Id}");
        RenderProviders();
        var sut = Render<GroupPage>(p => p.Add(g => g.Id, group.Id));
        sut.WaitForAssertion(() => Assert.Equal("Limits", ActiveTab(sut)));

        await sut.InvokeAsync(() => sut.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Usage").Click());

        Assert.EndsWith($"/groups/{group.Id}?tab=usage", navigation.Uri);
        sut.WaitForAssertion(() => Assert.Equal("Usage", ActiveTab(sut)));
    }
}
