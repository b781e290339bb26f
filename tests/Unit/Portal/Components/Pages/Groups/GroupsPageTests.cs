using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Components.Pages.Groups;
using MudBlazor;
using MudBlazor.Extensions;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Groups;

public sealed class GroupsPageTests : PortalTest
{
    private static List<string> Links(IRenderedComponent<GroupsPage> cut) =>
        cut.FindAll("a.group-link").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public async Task Search_ByExternalId_KeepsTheMatchAndItsAncestors()
    {
        await SignInAsync(PortalRoles.Admin);
        var acme = await CreateGroupAsync("cust_acme", name: "Acme");
        var prod = await CreateGroupAsync("cust_acme_prod", acme.Id, name: "Production");
        await CreateGroupAsync("cust_acme_eu", prod.Id, name: "Europe");
        await CreateGroupAsync("cust_globex", name: "Globex");
        RenderProviders();
        var sut = Render<GroupsPage>();
        sut.WaitForAssertion(() => Assert.Equal(["Acme", "Production", "Europe", "Globex"], Links(sut)));

        sut.Find("input[type=text]").Input("ACME_PROD");

        sut.WaitForAssertion(() => Assert.Equal(["Acme", "Production"], Links(sut)));
    }

    [Fact]
    public async Task Search_NoMatch_SaysSo()
    {
        await SignInAsync(PortalRoles.Admin);
        await CreateGroupAsync("cust_acme", name: "Acme");
        RenderProviders();
        var sut = Render<GroupsPage>();

        sut.Find("input[type=text]").Input("initech");

        sut.WaitForAssertion(() => Assert.Contains("No group matches", sut.Markup));
        Assert.Empty(Links(sut));
    }

    [Fact]
    public async Task Render_NoGroups_InvitesToCreateTheFirst()
    {
        await SignInAsync(PortalRoles.Admin);
        RenderProviders();

        var sut = Render<GroupsPage>();

        sut.WaitForAssertion(() => Assert.Contains("No groups yet — create the first", sut.Markup));
        Assert.False(sut.Button("Create a group").IsDisabled());
    }

    [Fact]
    public async Task Render_Viewer_CannotCreate()
    {
        await SignInAsync(PortalRoles.Viewer);
        await CreateGroupAsync("cust_acme", name: "Acme");
        RenderProviders();

        var sut = Render<GroupsPage>();

        sut.WaitForAssertion(() => Assert.Equal(["Acme"], Links(sut)));
        Assert.True(sut.Button("New root group").IsDisabled());
        Assert.True(sut.Button("Add child to Acme").IsDisabled());
    }

    [Fact]
    public async Task Render_LevelFive_CannotHaveChildren()
    {
        await SignInAsync(PortalRoles.Admin);
        string? parent = null;
        for (var level = 1; level <= 5; level++)
        {
            parent = (await CreateGroupAsync($"level{level}", parent, name: $"Level {level}")).Id;
        }
        RenderProviders();

        var sut = Render<GroupsPage>();

        sut.WaitForAssertion(() => Assert.Equal(5, Links(sut).Count));
        Assert.False(sut.Button("Add child to Level 4").IsDisabled());
        Assert.True(sut.Button("Add child to Level 5").IsDisabled());
    }

    [Fact]
    public async Task CreateAsync_Child_InheritsTheModeShowsDomainErrorsThenCreates()
    {
        await SignInAsync(PortalRoles.Admin);
        await CreateGroupAsync("cust_taken", mode: "CASCADING", name: "Taken");
        var (dialogs, snackbars) = RenderProviders();
        var sut = Render<GroupsPage>();

        sut.Button("Add child to Taken").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("New child of Taken", dialogs.Markup));
        var mode = dialogs.FindComponent<MudSelect<string>>().Instance;
        Assert.Equal(("CASCADING", true), (mode.GetState(x => x.Value), mode.Disabled));
        dialogs.Field("External id").Input().Change("cust_taken");
        // The parent's slug comes pre-selected; without it the child has none.
        dialogs.WaitForAssertion(() => dialogs.Button("Remove slug acme/chat").Click());
        dialogs.Button("Create").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("at least one model", dialogs.Field("Model slug").ErrorText()));

        dialogs.Field("Model slug").Input().Input("acme/chat");
        dialogs.Button("Add slug").Click();
        dialogs.Button("Create").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("already used", dialogs.Field("External id").ErrorText()));

        dialogs.Field("External id").Input().Change("cust_child");
        dialogs.Field("Name").Input().Change("Child");
        dialogs.Button("Create").Click();

        sut.WaitForAssertion(() => Assert.Equal(["Taken", "Child"], Links(sut)));
        Assert.Contains("Group “Child” created", snackbars.Markup);
        var child = (await Groups.ListTreeAsync()).Single(n => n.ExternalEntityId == "cust_child");
        Assert.Equal((LimitEnforcement.Cascading, 2), (child.LimitEnforcement, child.Depth));
    }

    [Fact]
    public async Task Render_AddChildTooltip_DoesNotOpenOnFocus()
    {
        await SignInAsync(PortalRoles.Admin);
        var acme = await CreateGroupAsync("cust_acme", name: "Acme");
        await CreateGroupAsync("cust_acme_prod", acme.Id, name: "Acme prod");
        RenderProviders();

        var sut = Render<GroupsPage>();

        // Closing the create dialog gives the focus back to the parent's button; a tooltip opened by it covered the
        // new child's button just below.
        sut.WaitForAssertion(() => Assert.Equal(2, sut.FindComponents<MudTooltip>().Count(t => t.Instance.Text == "Add child")));
        Assert.All(sut.FindComponents<MudTooltip>().Where(t => t.Instance.Text == "Add child"),
            t => Assert.False(t.Instance.ShowOnFocus));
    }

    [Fact]
    public async Task CreateAsync_Child_OffersTheParentsSlugsPreSelected()
    {
        await SignInAsync(PortalRoles.Admin);
        await CreateGroupAsync("cust_acme", name: "Acme",
            models: [new ModelInput("acme/chat", [], []), new ModelInput("acme/embed", [], [])]);
        var (dialogs, _) = RenderProviders();
        var sut = Render<GroupsPage>();

        sut.Button("Add child to Acme").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Button("Remove slug acme/embed")));
        Assert.NotNull(dialogs.Button("Remove slug acme/chat"));
        dialogs.Field("External id").Input().Change("cust_acme_prod");
        dialogs.Button("Create").Click();

        sut.WaitForAssertion(() => Assert.Equal(2, Links(sut).Count));
        var child = (await Groups.ListTreeAsync()).Single(n => n.ExternalEntityId == "cust_acme_prod");
        Assert.Equal(["acme/chat", "acme/embed"], (await Groups.GetAsync(child.Id)).Models.Select(m => m.Slug));
    }

    [Fact]
    public async Task CreateAsync_RootWithSlugAndLimits_CreatesThemInOneGo()
    {
        await SignInAsync(PortalRoles.Admin);
        var (dialogs, _) = RenderProviders();
        var sut = Render<GroupsPage>();

        sut.Button("Create a group").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Field("External id")));
        dialogs.Field("External id").Input().Change("cust_globex");
        dialogs.Field("Model slug").Input().Input("acme/chat");
        dialogs.Button("Add slug").Click();
        dialogs.WaitForAssertion(() => dialogs.Button("Add usage limit to acme/chat").Click());
        dialogs.WaitForAssertion(() => dialogs.Field("Threshold").Input().Input("2M"));
        dialogs.Button("Add rate limit to acme/chat").Click();
        dialogs.WaitForAssertion(() => Assert.Equal(2, dialogs.Fields("Threshold").Count));
        dialogs.Fields("Threshold")[0].Input().Input("60");
        dialogs.Button("Create").Click();

        sut.WaitForAssertion(() => Assert.Single(Links(sut)));
        var created = (await Groups.ListTreeAsync()).Single();
        var model = Assert.Single((await Groups.GetAsync(created.Id)).Models);
        Assert.Equal([new LimitView(LimitType.Token, LimitUnit.Minute, 60)], model.RateLimits);
        Assert.Equal([new LimitView(LimitType.Token, LimitUnit.Day, 2_000_000)], model.UsageLimits);
    }
}
