using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using static FrontierGateway.Tests.Unit.Data.GroupBuilder;

namespace FrontierGateway.Tests.Unit.Data;

public sealed class HierarchyRulesTests
{
    private static readonly Group Parent =
        Group("parent", LimitEnforcement.Cascading, Model("acme/m", TokensPerDay(100), TokensPerMinute(10)));

    [Fact]
    public void CheckCascading_ChildAboveParent_RefusesNamingTheThreshold()
    {
        var sut = Assert.Throws<DomainException>(() =>
            HierarchyRules.CheckCascading([Model("acme/m", TokensPerMinute(5), TokensPerDay(101))], [Parent], []));

        Assert.Equal(HierarchyRules.ChildExceedsParent, sut.Message);
        Assert.Equal("models[0].usage_limits[0].threshold", sut.Param);
        Assert.Equal(new LimitConflict("parent", "parent", 100, LimitRelation.Ancestor), sut.Conflict);
    }

    [Fact]
    public void CheckCascading_OverProvisionedSiblings_AreAllowed()
    {
        var sibling = Group("a", LimitEnforcement.Cascading, Model("acme/m", TokensPerDay(70)));

        HierarchyRules.CheckCascading([Model("acme/m", TokensPerDay(70))], [Parent], []);
        HierarchyRules.CheckCascading(Parent.Models, [], [sibling, sibling]);
    }

    [Fact]
    public void CheckCascading_AncestorLoweredBelowDescendant_Refuses()
    {
        var child = Group("child", LimitEnforcement.Cascading, Model("acme/m", TokensPerDay(80)));

        var sut = Assert.Throws<DomainException>(() =>
            HierarchyRules.CheckCascading([Model("acme/m", TokensPerDay(79))], [], [child]));

        Assert.Equal(HierarchyRules.ChildExceedsParent, sut.Message);
        Assert.Equal(new LimitConflict("child", "child", 80, LimitRelation.Descendant), sut.Conflict);
    }

    [Fact]
    public void CheckCascading_OtherSlugOrUnit_IsNotCompared()
    {
        HierarchyRules.CheckCascading([Model("acme/other", TokensPerDay(1000)), Model("acme/m", RequestsPerSecond(1000))],
            [Parent], []);
    }
}
