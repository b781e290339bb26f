using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;

namespace FrontierGateway.Tests.Unit.Data.Groups;

public sealed class GroupChainTests
{
    private static Dictionary<string, Group> Tree(params (string Id, string? Parent)[] groups) =>
        groups.ToDictionary(g => g.Id, g => new Group { Id = g.Id, ExternalEntityId = g.Id, ParentGroupId = g.Parent });

    [Fact]
    public void Walk_InMemory_GroupFirstThenEachAncestorToTheRoot()
    {
        var tree = Tree(("root", null), ("child", "root"), ("grandchild", "child"), ("other", "root"));

        var sut = GroupChain.Walk(tree["grandchild"], g => g.ParentGroupId, tree);

        Assert.Equal(["grandchild", "child", "root"], sut.Select(g => g.Id));
    }

    [Fact]
    public void Walk_Root_IsTheRootAlone()
    {
        var tree = Tree(("root", null));

        var sut = GroupChain.Walk(tree["root"], g => g.ParentGroupId, tree);

        Assert.Equal(["root"], sut.Select(g => g.Id));
    }

    [Fact]
    public void Walk_ParentNotFound_EndsTheChainThere()
    {
        // The parent was deleted: the lookup no longer knows it.
        var tree = Tree(("child", "deleted"), ("grandchild", "child"));

        var sut = GroupChain.Walk(tree["grandchild"], g => g.ParentGroupId, tree);

        Assert.Equal(["grandchild", "child"], sut.Select(g => g.Id));
    }

    [Fact]
    public void Walk_Cycle_StopsAtMaxDepth()
    {
        var tree = Tree(("a", "b"), ("b", "a"));

        var sut = GroupChain.Walk(tree["a"], g => g.ParentGroupId, tree);

        Assert.Equal(HierarchyRules.MaxDepth, sut.Count);
        Assert.Equal(["a", "b", "a", "b", "a"], sut.Select(g => g.Id));
    }

    [Fact]
    public async Task WalkAsync_AsyncLookup_AsksForEachParentOnceInOrder()
    {
        var tree = Tree(("l1", null), ("l2", "l1"), ("l3", "l2"), ("l4", "l3"), ("l5", "l4"));
        var asked = new List<string>();

        var sut = await GroupChain.WalkAsync(tree["l5"], g => g.ParentGroupId, async id =>
        {
            await Task.Yield();
            asked.Add(id);
            return tree.GetValueOrDefault(id);
        });

        Assert.Equal(["l5", "l4", "l3", "l2", "l1"], sut.Select(g => g.Id));
        Assert.Equal(["l4", "l3", "l2", "l1"], asked);
    }

    [Fact]
    public void Walk_AnyItemType_FollowsItsParentSelector()
    {
        var nodes = new Dictionary<string, GroupNode>
        {
            ["root"] = new("root", "Root", "ext-root", null, LimitEnforcement.Independent, 1, 0, 0),
            ["child"] = new("child", null, "ext-child", "root", LimitEnforcement.Independent, 2, 0, 0),
        };

        var sut = GroupChain.Walk(nodes["child"], n => n.ParentGroupId, nodes);

        Assert.Equal(["ext-child", "Root"], sut.Select(n => n.DisplayName));
    }
}
