using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Components.Shared.Groups;

namespace FrontierGateway.Tests.Unit.Portal.Components.Shared.Groups;

public sealed class UsageBarsTests : PortalTest
{
    private static readonly ModelInput DailyTokens =
        new("acme/chat", [], [new LimitInput("TOKEN", "DAY", 1_000_000)]);

    private async Task<(GroupView Parent, GroupView Child)> TreeAsync(string mode)
    {
        var parent = await CreateGroupAsync("cust_acme", mode: mode, name: "Acme", models: DailyTokens);
        var child = await CreateGroupAsync("cust_acme_prod", parent.Id, mode, "Acme prod");
        return (parent, child);
    }

    private IRenderedComponent<UsageBars> RenderBars(GroupView parent, GroupView child, bool cascading) =>
        Render<UsageBars>(p => p
            .Add(b => b.GroupId, child.Id)
            .Add(b => b.Cascading, cascading)
            .Add(b => b.SourceNames, new Dictionary<string, string> { [parent.Id] = "Acme", [child.Id] = "Acme prod" }));

    [Fact]
    public async Task Render_IndependentChildWithInheritedLimit_SaysItCountsTheChildsOwnCalls()
    {
        await SignInAsync(PortalRoles.Admin);
        var (parent, child) = await TreeAsync("INDEPENDENT");

        var sut = RenderBars(parent, child, cascading: false);

        sut.WaitForAssertion(() => Assert.Contains("this group's own calls, against the limit set on Acme", sut.Markup));
        Assert.DoesNotContain("pool", sut.Markup);
    }

    [Fact]
    public async Task Render_CascadingChildWithInheritedLimit_SaysItIsTheAncestorsSharedPool()
    {
        await SignInAsync(PortalRoles.Admin);
        var (parent, child) = await TreeAsync("CASCADING");

        var sut = RenderBars(parent, child, cascading: true);

        sut.WaitForAssertion(() => Assert.Contains("shared pool of Acme", sut.Markup));
        Assert.DoesNotContain("own calls", sut.Markup);
    }
}
