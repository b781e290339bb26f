using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Components.Pages.Groups;
using FrontierGateway.Portal.Components.Pages.My;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Groups;

/// <summary>Who sees which group page: operators every group, a customer only its own subtree.</summary>
public sealed class GroupAccessTests : PortalTest
{
    private const string Denied = "You do not have access to this page.";

    [Fact]
    public async Task GroupPage_CustomerOutsideItsSubtree_ShowsAccessDenied()
    {
        var own = await CreateGroupAsync("own", name: "Own");
        var other = await CreateGroupAsync("other", name: "Other");
        await SignInAsync(PortalRoles.Customer, own.Id);
        RenderProviders();

        var sut = Render<GroupPage>(p => p.Add(g => g.Id, other.Id));

        sut.WaitForAssertion(() => Assert.Contains(Denied, sut.Markup));
        Assert.DoesNotContain("Other", sut.Markup);
    }

    [Fact]
    public async Task GroupPage_CustomerInItsSubtree_GoesToItsOwnView()
    {
        var own = await CreateGroupAsync("own");
        var child = await CreateGroupAsync("child", own.Id);
        await SignInAsync(PortalRoles.Customer, own.Id);
        RenderProviders();

        Render<GroupPage>(p => p.Add(g => g.Id, child.Id));

        Assert.EndsWith($"/my/groups/{child.Id}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task MyGroupPage_CustomerOpensAnotherGroup_ShowsAccessDenied()
    {
        var own = await CreateGroupAsync("own");
        var other = await CreateGroupAsync("other", name: "Other");
        await SignInAsync(PortalRoles.Customer, own.Id);
        RenderProviders();

        var sut = Render<MyGroupPage>(p => p.Add(g => g.Id, other.Id));

        sut.WaitForAssertion(() => Assert.Contains(Denied, sut.Markup));
        Assert.DoesNotContain("Other", sut.Markup);
    }

    [Fact]
    public async Task MyGroupPage_Customer_ShowsItsSubtreeKeysLimitsAndHowToCall()
    {
        var plan = await CreateGroupAsync("plan", name: "Gold plan",
            models: new ModelInput("acme/chat", [new LimitInput("TOKEN", "MINUTE", 5000)], []));
        var own = await CreateGroupAsync("acme", plan.Id, name: "Acme");
        await CreateGroupAsync("acme-dev", own.Id, name: "Acme dev");
        await CreateGroupAsync("globex", plan.Id, name: "Globex");
        await Services.GetRequiredService<KeyService>().MintAsync(own.Id, new KeyCreateInput("acme-key", null), "test");
        await SignInAsync(PortalRoles.Customer, own.Id);
        RenderProviders();

        var sut = Render<MyGroupPage>();

        sut.WaitForAssertion(() => Assert.Contains("acme-key", sut.Markup));
        Assert.Contains("Acme dev", sut.Markup);
        Assert.DoesNotContain("Globex", sut.Markup);
        // The plan's limit applies, without the plan's name or a link to it.
        Assert.Contains("5,000", sut.Markup);
        Assert.DoesNotContain("Gold plan", sut.Markup);
        Assert.Contains("Parent group", sut.Markup);
        Assert.Contains("base_url=\"http://localhost/v1\"", sut.Markup);
        Assert.Contains("model=\"acme/chat\"", sut.Markup);
        Assert.False(sut.Button("Mint key").IsDisabled());
    }

    [Fact]
    public async Task GroupPage_Viewer_ShowsEffectiveLimitsWithTheirSourceButEditsNothing()
    {
        var parent = await CreateGroupAsync("parent", name: "Parent",
            models: new ModelInput("acme/chat", [new LimitInput("TOKEN", "MINUTE", 5000)], []));
        var child = await CreateGroupAsync("child", parent.Id, name: "Child",
            models: new ModelInput("acme/chat", [], [new LimitInput("REQUEST", "DAY", 100)]));
        await SignInAsync(PortalRoles.Viewer);
        RenderProviders();

        var sut = Render<GroupPage>(p => p.Add(g => g.Id, child.Id));

        sut.WaitForAssertion(() => Assert.Contains("Effective limits", sut.Markup));
        var chips = sut.FindAll("a.mud-chip").Select(a => (a.TextContent.Trim(), a.GetAttribute("href"))).ToList();
        Assert.Contains(("Parent", $"groups/{parent.Id}"), chips);
        Assert.Contains(("Child", $"groups/{child.Id}"), chips);
        Assert.True(sut.Button("Save limits").IsDisabled());
        Assert.True(sut.Button("Mint key").IsDisabled());
        Assert.True(sut.Button("Delete group…").IsDisabled());
    }

    [Fact]
    public async Task GroupSettings_Delete_SaysWhatGoesThenDeletes()
    {
        await SignInAsync(PortalRoles.Admin);
        var root = await CreateGroupAsync("root", name: "Root");
        var child = await CreateGroupAsync("child", root.Id, name: "Child team");
        await Services.GetRequiredService<KeyService>().MintAsync(child.Id, new KeyCreateInput(null, null), "test");
        var node = (await Groups.ListTreeAsync()).Single(n => n.Id == root.Id);
        var (dialogs, snackbars) = RenderProviders();
        var sut = Render<GroupSettings>(p => p.Add(s => s.Group, root).Add(s => s.Node, node));

        sut.Button("Delete group…").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Child team", dialogs.Markup));
        Assert.Contains("1 key will be revoked", dialogs.Markup);
        dialogs.Button("Delete 2 groups").Click();

        snackbars.WaitForAssertion(() => Assert.Contains("Deleted 2 groups and revoked 1 key", snackbars.Markup));
        Assert.Empty(await Groups.ListTreeAsync());
        Assert.EndsWith("/groups", Services.GetRequiredService<NavigationManager>().Uri);
    }
}
