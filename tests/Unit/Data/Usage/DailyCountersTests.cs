using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Usage;
using static FrontierGateway.Tests.Unit.Data.GroupBuilder;

namespace FrontierGateway.Tests.Unit.Data.Usage;

public sealed class DailyCountersTests
{
    private static List<Group> Chain(LimitEnforcement mode)
    {
        var root = Group("root", mode, Model("org/m", TokensPerDay(1000), TokensPerMinute(100)));
        var child = Group("child", mode, Model("org/m", TokensPerDay(500)));
        child.ParentGroupId = root.Id;
        return [child, root];
    }

    [Theory]
    [InlineData(LimitEnforcement.Independent, new[] { "child" })]
    [InlineData(LimitEnforcement.Cascading, new[] { "child", "root" })]
    public void GroupsOf_Mode_AreTheGroupsACallAddsTo(LimitEnforcement mode, string[] expected)
    {
        var sut = DailyCounters.GroupsOf(Chain(mode));

        Assert.Equal(expected, sut);
    }

    [Fact]
    public void MeteredOn_Independent_EveryLimitOnTheCallingGroup()
    {
        var chain = Chain(LimitEnforcement.Independent);

        var sut = EffectiveModels.Compute(chain).Single().Limits.Select(l => (l.SourceGroupId, DailyCounters.MeteredOn(chain[0], l)));

        // The root's per-minute limit is inherited, yet the child meters it alone.
        Assert.Equal([("child", "child"), ("root", "child")], sut);
    }

    [Fact]
    public void MeteredOn_Cascading_EachLimitOnThePoolOfTheGroupThatSetIt()
    {
        var chain = Chain(LimitEnforcement.Cascading);

        var sut = EffectiveModels.Compute(chain).Single().Limits.Select(l => (l.SourceGroupId, DailyCounters.MeteredOn(chain[0], l)));

        Assert.Equal([("child", "child"), ("root", "root"), ("root", "root")], sut);
    }

    [Fact]
    public void MeteredOn_Cascading_IsACounterTheCallAddsTo()
    {
        var chain = Chain(LimitEnforcement.Cascading);

        var sut = EffectiveModels.Compute(chain).Single().Limits.Select(l => DailyCounters.MeteredOn(chain[0], l));

        Assert.All(sut, metered => Assert.Contains(metered, DailyCounters.GroupsOf(chain)));
    }
}
