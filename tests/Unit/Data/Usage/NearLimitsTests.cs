using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Usage;

namespace FrontierGateway.Tests.Unit.Data.Usage;

public sealed class NearLimitsTests
{
    private static LimitPressure Counter(string group, long used, long threshold, string slug = "org/m") =>
        new(group, group, slug, LimitType.Request, LimitUnit.Day, threshold, group, used);

    [Fact]
    public void Rank_ByShareOfTheThreshold_NotByAmount()
    {
        var sut = NearLimits.Rank([
            Counter("grp_big", used: 500_000, threshold: 1_000_000),
            Counter("grp_95", used: 95, threshold: 100),
            Counter("grp_over", used: 12, threshold: 10),
            Counter("grp_idle", used: 0, threshold: 1)], top: 10);

        Assert.Equal(["grp_over", "grp_95", "grp_big"], sut.Select(c => c.GroupId));
        Assert.Equal(0.95, sut[1].Fraction);
    }

    [Fact]
    public void Rank_SameShare_BiggerCounterFirst_ThenStableByGroup_ThenTop()
    {
        var sut = NearLimits.Rank([
            Counter("grp_b", used: 9, threshold: 10),
            Counter("grp_a", used: 9, threshold: 10),
            Counter("grp_c", used: 90, threshold: 100)], top: 2);

        Assert.Equal(["grp_c", "grp_a"], sut.Select(c => c.GroupId));
    }

    [Fact]
    public void RankKeys_EachKeyOnceAtItsLargestShare()
    {
        var sut = NearLimits.RankKeys([
            new KeyPressure("key1", null, "grp_a", "A", "org/m", LimitType.Request, 100, "grp_a", 10),
            new KeyPressure("key1", null, "grp_a", "A", "org/m", LimitType.Token, 1000, "grp_a", 800),
            new KeyPressure("key2", null, "grp_a", "A", "org/m", LimitType.Request, 100, "grp_a", 50)], top: 10);

        Assert.Equal([("key1", 0.8), ("key2", 0.5)], sut.Select(k => (k.Prefix, k.Fraction)));
    }
}
