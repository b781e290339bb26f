using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

public sealed class GroupPolicyTests
{
    private static SlugPolicy Slug(string slug, long threshold = 10) =>
        new(slug, [new LimitRule(LimitType.Request, LimitUnit.Minute, threshold, "grp_a",
            new CounterKey("grp_a", slug, LimitType.Request, LimitUnit.Minute))], ["grp_a"], "grp_a");

    private static GroupPolicy Policy(params SlugPolicy[] slugs) => new("grp_a", "ext-a", slugs, "grp_a");

    // A few slugs are scanned, many are looked up in an index: both ways find every slug, in any case of count.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(40)]
    public void Find_EverySlugFoundAsItself_OthersNull(int count)
    {
        var slugs = Enumerable.Range(0, count).Select(i => Slug($"acme/model-{i}")).ToArray();
        var sut = Policy(slugs);

        Assert.All(slugs, s => Assert.Same(s, sut.Find(s.Slug)));
        Assert.Null(sut.Find("acme/missing"));
        // Slugs are compared ordinally, as OpenAI's model names are.
        Assert.True(count == 0 || sut.Find("ACME/MODEL-0") is null);
        Assert.Equal(slugs.Select(s => s.Slug), sut.Slugs.Select(s => s.Slug));
    }

    [Fact]
    public void SameAs_SameSlugsInOtherInstances_IsTheSame()
    {
        Assert.True(Policy(Slug("a/x"), Slug("a/y")).SameAs(Policy(Slug("a/x"), Slug("a/y"))));
    }

    [Fact]
    public void SameAs_AnythingElseDiffers_IsNotTheSame()
    {
        var sut = Policy(Slug("a/x"), Slug("a/y"));

        Assert.False(sut.SameAs(Policy(Slug("a/y"), Slug("a/x"))));
        Assert.False(sut.SameAs(Policy(Slug("a/x"), Slug("a/y", threshold: 11))));
        Assert.False(sut.SameAs(Policy(Slug("a/x"))));
        Assert.False(sut.SameAs(new GroupPolicy("grp_b", "ext-a", [Slug("a/x"), Slug("a/y")], "grp_a")));
        Assert.False(sut.SameAs(new GroupPolicy("grp_a", "ext-b", [Slug("a/x"), Slug("a/y")], "grp_a")));
        Assert.False(sut.SameAs(new GroupPolicy("grp_a", "ext-a", [Slug("a/x"), Slug("a/y")], "grp_root")));
    }
}
