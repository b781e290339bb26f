using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Components.Pages;
using FrontierGateway.Portal.Components.Pages.Billing;
using FrontierGateway.Portal.Components.Shared;
using FrontierGateway.Portal.Overview;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Overview;

/// <summary>The workspace's headline counts and group labels, and the overview page (<see cref="Home"/>) that shows the counts.</summary>
public sealed class WorkspaceOverviewTests : PortalTest
{
    /// <summary>
    /// A group with a live, an expiring and a revoked key, and a deleted group with a key of its own; then the clock
    /// moves past the expiry. One live key and one group are left.
    /// </summary>
    private async Task SeedLiveExpiredRevokedAndDeletedAsync()
    {
        var keys = Services.GetRequiredService<KeyService>();
        var group = await CreateGroupAsync("counted");
        var deleted = await CreateGroupAsync("deleted");
        await keys.MintAsync(group.Id, new KeyCreateInput("live", null), "test");
        await keys.MintAsync(group.Id, new KeyCreateInput("expired", DateTime.UtcNow.AddMinutes(1)), "test");
        var revoked = await keys.MintAsync(group.Id, new KeyCreateInput("revoked", null), "test");
        await keys.RevokeAsync(group.Id, revoked.Prefix, "test");
        await keys.MintAsync(deleted.Id, new KeyCreateInput("of a deleted group", null), "test");
        await Groups.DeleteAsync(deleted.Id, "test");
        Time.Offset = TimeSpan.FromHours(1);
    }

    [Fact]
    public async Task CountAsync_ExpiredRevokedAndDeleted_CountsOnlyLiveKeysAndGroups()
    {
        await SeedLiveExpiredRevokedAndDeletedAsync();
        var sut = Services.GetRequiredService<WorkspaceOverview>();

        var counts = await sut.CountAsync();

        Assert.Equal(new WorkspaceCounts(Groups: 1, LiveKeys: 1, Endpoints: 0), counts);
    }

    [Fact]
    public async Task Home_Admin_ShowsTheCountsOnItsCards()
    {
        await SeedLiveExpiredRevokedAndDeletedAsync();
        await SignInAsync(PortalRoles.Admin);
        // The live strip and the delivery health have tests of their own; here only the counts matter.
        ComponentFactories.AddStub<LiveStrip>();
        ComponentFactories.AddStub<DeliveryHealth>();

        var sut = Render<Home>();

        sut.WaitForAssertion(() => Assert.Equal(3, sut.FindComponents<StatCard>().Count));
        var cards = sut.FindComponents<StatCard>().ToDictionary(c => c.Instance.Label, c => c.Instance.Value);
        Assert.Equal(new Dictionary<string, long> { ["Groups"] = 1, ["Live API keys"] = 1, ["Endpoints"] = 0 }, cards);
    }

    [Fact]
    public async Task ListGroupsAsync_NamedAndUnnamed_LabelledByNameThenExternalId()
    {
        await CreateGroupAsync("ext-b", name: "Beta");
        await Groups.CreateAsync(new GroupCreateInput(new MetadataInput(null, "ext-a"), [new ModelInput("acme/chat", [], [])], new HierarchyInput("INDEPENDENT", null)), "test");
        var sut = Services.GetRequiredService<WorkspaceOverview>();

        var groups = await sut.ListGroupsAsync();

        Assert.Equal(["Beta (ext-b)", "ext-a"], groups.Select(g => g.Label).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Home_EmptyWorkspace_LeadsToTheFirstGroup()
    {
        await SignInAsync(PortalRoles.Admin);
        ComponentFactories.AddStub<LiveStrip>();
        ComponentFactories.AddStub<DeliveryHealth>();

        var sut = Render<Home>();

        sut.WaitForAssertion(() => Assert.Contains("Get started", sut.Markup));
        Assert.Equal("groups", sut.FindAll("a").Single(a => a.TextContent.Trim() == "Create the first group").GetAttribute("href"));
    }

    [Fact]
    public async Task Home_GroupWithoutLimitsOrKey_LinksToItsLimitsAndKeysTabs()
    {
        var group = await CreateGroupAsync("first", name: "First");
        await SignInAsync(PortalRoles.Admin);
        ComponentFactories.AddStub<LiveStrip>();
        ComponentFactories.AddStub<DeliveryHealth>();

        var sut = Render<Home>();

        sut.WaitForAssertion(() => Assert.Contains("Done:", sut.Markup));
        string Href(string text) => sut.FindAll("a").Single(a => a.TextContent.Trim() == text).GetAttribute("href")!;
        Assert.Equal($"groups/{group.Id}?tab=limits", Href("Set limits"));
        Assert.Equal($"groups/{group.Id}?tab=keys", Href("Mint a key"));
        Assert.DoesNotContain(sut.FindAll("a"), a => a.TextContent.Trim() == "Create the first group");
    }

    [Fact]
    public async Task FirstStepsAsync_KeyMinted_SaysSoAndOffersTheGroupsSlug()
    {
        var group = await CreateGroupAsync("first", name: "First");
        await Services.GetRequiredService<KeyService>().MintAsync(group.Id, new KeyCreateInput(null, null), "test");
        var sut = Services.GetRequiredService<WorkspaceOverview>();

        var steps = await sut.FirstStepsAsync();

        Assert.Equal(new FirstSteps(group.Id, "First", HasLimits: false, HasKey: true, HasCall: false, "acme/chat"), steps);
    }
}
