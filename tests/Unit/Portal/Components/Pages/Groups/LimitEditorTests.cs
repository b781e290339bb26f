using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Components.Pages.Groups;
using FrontierGateway.Portal.Components.Shared.Groups;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Groups;

public sealed class LimitEditorTests : PortalTest
{
    private IRenderedComponent<LimitEditor> RenderEditor(GroupView group) =>
        Render<LimitEditor>(p => p.Add(e => e.Group, group));

    [Fact]
    public async Task SaveAsync_ThresholdZero_ShowsTheFormatNextToThatFieldAndSavesNothing()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("zero");
        RenderProviders();
        var sut = RenderEditor(group);

        sut.Button("Add rate limit").Click();
        sut.Field("Threshold").Input().Input("0");
        sut.Button("Save limits").Click();

        Assert.Equal(ThresholdText.Hint, sut.Field("Threshold").ErrorText());
        Assert.Empty((await Groups.GetAsync(group.Id)).Models[0].RateLimits);
    }

    [Fact]
    public async Task SaveAsync_Shorthand_SavesTheParsedThreshold()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("shorthand");
        RenderProviders();
        var sut = RenderEditor(group);

        sut.Button("Add usage limit").Click();
        sut.Field("Threshold").Input().Input("1.5M");
        sut.Button("Save limits").Click();

        sut.WaitForAssertion(() => Assert.Equal("1,500,000", sut.Field("Threshold").Input().GetAttribute("value")));
        var saved = Assert.Single((await Groups.GetAsync(group.Id)).Models[0].UsageLimits);
        Assert.Equal(new LimitView(LimitType.Token, LimitUnit.Day, 1_500_000), saved);
        Assert.Null(sut.Field("Threshold").ErrorText());
    }

    [Fact]
    public async Task SaveAsync_AboveCascadingParent_ShowsTheMessageTheAncestorAndItsLimitNextToThatThreshold()
    {
        await SignInAsync(PortalRoles.Admin);
        var parent = await CreateGroupAsync("pool", mode: "CASCADING",
            models: new ModelInput("acme/chat", [new LimitInput("REQUEST", "MINUTE", 5), new LimitInput("TOKEN", "MINUTE", 1000)], []));
        var child = await CreateGroupAsync("pool-child", parent.Id, "CASCADING");
        RenderProviders();
        var sut = RenderEditor(child);

        sut.Button("Add rate limit").Click();
        sut.Button("Add rate limit").Click();
        sut.Fields("Threshold")[0].Input().Input("1K");
        sut.Fields("Threshold")[1].Input().Input("6");
        sut.Button("Save limits").Click();

        // The second rate limit (REQUEST, the type left free, per minute) is over the parent's 5 a minute.
        sut.WaitForAssertion(() => Assert.Equal($"{HierarchyRules.ChildExceedsParent} pool (an ancestor) allows at most 5.",
            sut.Fields("Threshold")[1].ErrorText()));
        Assert.Null(sut.Fields("Threshold")[0].ErrorText());
        Assert.Empty((await Groups.GetAsync(child.Id)).Models[0].RateLimits);
    }

    [Fact]
    public async Task SaveAsync_TwoLimitsOfOneType_ShowsTheDuplicateOnTheSecondOnesType()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("dupe");
        RenderProviders();
        var sut = RenderEditor(group);

        // New limits take the type still free: TOKEN, REQUEST, then REQUEST again.
        for (var i = 0; i < 3; i++)
        {
            sut.Button("Add rate limit").Click();
            var count = i + 1;
            sut.WaitForAssertion(() => Assert.Equal(count, sut.Fields("Threshold").Count));
            sut.Fields("Threshold")[i].Input().Input("10");
        }
        sut.Button("Save limits").Click();

        sut.WaitForAssertion(() => Assert.Contains("at most one REQUEST rate limit", sut.Fields("Type")[2].ErrorText()));
        Assert.Null(sut.Fields("Type")[1].ErrorText());
    }

    [Fact]
    public async Task Render_Viewer_DisablesEveryControl()
    {
        await SignInAsync(PortalRoles.Viewer);
        var group = await CreateGroupAsync("read-only",
            models: new ModelInput("acme/chat", [new LimitInput("TOKEN", "MINUTE", 1000)], []));
        RenderProviders();

        var sut = Render<LimitEditor>(p => p.Add(e => e.Group, group).Add(e => e.ReadOnly, true));

        Assert.All(sut.FindAll("input"), input => Assert.True(input.IsDisabled(), input.OuterHtml));
        // An input's own adornment (the autocomplete's arrow) is not focusable and does nothing on a disabled input.
        Assert.All(sut.FindAll("button:not(.mud-input-adornment-icon-button)"), b => Assert.True(b.IsDisabled(), b.OuterHtml));
        Assert.Contains("Read-only", sut.Markup);
    }

    [Fact]
    public async Task SaveAsync_Viewer_RefusedByTheServer()
    {
        await SignInAsync(PortalRoles.Viewer);
        var group = await CreateGroupAsync("refused");
        var (_, snackbars) = RenderProviders();
        var sut = Render<LimitEditor>(p => p.Add(e => e.Group, group));

        await sut.InvokeAsync(() => sut.Instance.SaveAsync());

        snackbars.WaitForAssertion(() => Assert.Contains(PortalAccess.Refused, snackbars.Markup));
        Assert.Equal(0, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "group.update")));
    }

    [Fact]
    public async Task SaveAsync_CascadingParentBelowAChild_NamesTheChildAndItsLimit()
    {
        await SignInAsync(PortalRoles.Admin);
        var parent = await CreateGroupAsync("pool", mode: "CASCADING",
            models: new ModelInput("acme/chat", [], [new LimitInput("TOKEN", "DAY", 1_000_000)]));
        await CreateGroupAsync("pool-child", parent.Id, "CASCADING", "Pool child",
            new ModelInput("acme/chat", [], [new LimitInput("TOKEN", "DAY", 800_000)]));
        RenderProviders();
        var sut = RenderEditor(parent);

        sut.Field("Threshold").Input().Input("500K");
        sut.Button("Save limits").Click();

        sut.WaitForAssertion(() => Assert.Equal(
            $"{HierarchyRules.ChildExceedsParent} Pool child (a descendant) already has 800,000: lower it first.",
            sut.Field("Threshold").ErrorText()));
    }
}
