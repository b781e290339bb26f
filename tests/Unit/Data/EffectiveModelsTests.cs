using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using static FrontierGateway.Tests.Unit.Data.GroupBuilder;

namespace FrontierGateway.Tests.Unit.Data;

public sealed class EffectiveModelsTests
{
    private const string Slug = "acme/m";

    [Fact]
    public void Compute_IndependentChildOverridesOneLimit_InheritsTheOthers()
    {
        var parent = Group("parent", LimitEnforcement.Independent, Model(Slug, TokensPerMinute(1000), TokensPerDay(50_000)));
        var child = Group("child", LimitEnforcement.Independent, Model(Slug, TokensPerMinute(5000)));

        var sut = EffectiveModels.Compute([child, parent]);

        var limits = Assert.Single(sut).Limits;
        Assert.Equal(2, limits.Count);
        Assert.Contains(limits, l => l.Unit == LimitUnit.Minute && l.Threshold == 5000 && l.SourceGroupId == "child");
        Assert.Contains(limits, l => l.Unit == LimitUnit.Day && l.Threshold == 50_000 && l.SourceGroupId == "parent");
    }

    [Fact]
    public void Compute_IndependentParentRaised_FlowsToChildThatDoesNotOverride()
    {
        var parent = Group("parent", LimitEnforcement.Independent, Model(Slug, TokensPerDay(10)));
        var overriding = Group("a", LimitEnforcement.Independent, Model(Slug, TokensPerDay(5)));
        var inheriting = Group("b", LimitEnforcement.Independent);

        parent.Models[0].Limits[0].Threshold = 20;

        Assert.Equal(20, EffectiveModels.Compute([inheriting, parent])[0].Limits[0].Threshold);
        Assert.Equal(5, EffectiveModels.Compute([overriding, parent])[0].Limits[0].Threshold);
    }

    [Fact]
    public void Compute_CascadingChildren_ListEveryLimitAlongTheChain()
    {
        var parent = Group("parent", LimitEnforcement.Cascading, Model(Slug, TokensPerDay(100_000_000)));
        var first = Group("first", LimitEnforcement.Cascading, Model(Slug, TokensPerDay(70_000_000)));
        var second = Group("second", LimitEnforcement.Cascading, Model(Slug, TokensPerDay(70_000_000)));

        foreach (var child in new[] { first, second })
        {
            var limits = Assert.Single(EffectiveModels.Compute([child, parent])).Limits;
            Assert.Equal([(70_000_000L, child.Id), (100_000_000L, "parent")],
                limits.Select(l => (l.Threshold, l.SourceGroupId)));
        }
    }

    [Fact]
    public void Compute_SlugDeclaredOnlyByAncestor_IsCallableByDescendant()
    {
        var root = Group("root", LimitEnforcement.Independent, Model("acme/other", RequestsPerSecond(3)));
        var middle = Group("middle", LimitEnforcement.Independent);
        var leaf = Group("leaf", LimitEnforcement.Independent, Model(Slug));

        var sut = EffectiveModels.Compute([leaf, middle, root]);

        Assert.Equal([Slug, "acme/other"], sut.Select(m => m.Slug));
        Assert.Equal("root", sut[1].Limits[0].SourceGroupId);
    }

    [Fact]
    public void Compute_OneSlugsLimits_NeverApplyToAnother()
    {
        var group = Group("g", LimitEnforcement.Independent, Model(Slug, TokensPerDay(1)), Model("acme/free"));

        var sut = EffectiveModels.Compute([group]);

        Assert.Empty(sut.Single(m => m.Slug == "acme/free").Limits);
    }
}
