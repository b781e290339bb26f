using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Components.Pages.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Audit;

public sealed class AuditLogPageTests : PortalTest
{
    [Fact]
    public async Task Render_GroupAndKeyEntries_NamesTheTargetsWithLinksAndKeepsTheIdOnHover()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("cust_acme", name: "Acme");
        var key = await Services.GetRequiredService<KeyService>().MintAsync(group.Id, new KeyCreateInput("prod-key", null), "test");
        RenderProviders();

        var sut = Render<AuditLogPage>();

        sut.WaitForAssertion(() => Assert.Contains(sut.FindAll("a"), a => a.TextContent.Trim() == "Acme"));
        var groupLink = sut.FindAll("a").Single(a => a.TextContent.Trim() == "Acme");
        Assert.Equal(($"groups/{group.Id}", group.Id), (groupLink.GetAttribute("href"), groupLink.GetAttribute("title")));
        var keyLink = sut.FindAll("a").Single(a => a.TextContent.Trim() == $"prod-key ({key.Prefix})");
        Assert.Equal(($"groups/{group.Id}?tab=keys", key.Prefix), (keyLink.GetAttribute("href"), keyLink.GetAttribute("title")));
    }

    [Fact]
    public async Task Render_DeletedGroup_KeepsItsNameWithoutALink()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("cust_gone", name: "Gone");
        await Groups.DeleteAsync(group.Id, "test");
        RenderProviders();

        var sut = Render<AuditLogPage>();

        sut.WaitForAssertion(() => Assert.Equal(2, sut.FindAll("span[title]").Count(s => s.TextContent == "Gone (deleted)")));
        Assert.DoesNotContain(sut.FindAll("a"), a => a.TextContent.Contains("Gone", StringComparison.Ordinal));
    }
}
