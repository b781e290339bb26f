using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Components.Pages.Groups;
using MudBlazor;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Groups;

public sealed class GroupTreeItemsTests
{
    private static readonly GroupNode[] Nodes =
    [
        Node("acme", null, 1, "Acme"),
        Node("acme-prod", "acme", 2, "Production"),
        Node("acme-prod-eu", "acme-prod", 3, "EU"),
        Node("acme-dev", "acme", 2, "Development"),
        Node("globex", null, 1, "Globex"),
    ];

    private static GroupNode Node(string id, string? parent, int depth, string name) =>
        new(id, name, "cust_" + id, parent, LimitEnforcement.Independent, depth, 1, 0);

    private static List<string> Flatten(IEnumerable<ITreeItemData<GroupNode>> items) =>
        items.SelectMany(i => new[] { i.Value!.Id }.Concat(Flatten(i.Children ?? []))).ToList();

    [Fact]
    public void Build_NoSearch_NestsEveryGroupUnderItsParent()
    {
        var sut = GroupTreeItems.Build(Nodes, null);

        Assert.Equal(["acme", "globex"], sut.Select(i => i.Value!.Id));
        Assert.Equal(["acme-dev", "acme-prod"], sut[0].Children!.Select(i => i.Value!.Id));
        Assert.Equal(5, Flatten(sut).Count);
    }

    [Fact]
    public void Build_SearchByName_KeepsMatchesAndTheirAncestorsOnly()
    {
        var sut = Flatten(GroupTreeItems.Build(Nodes, "eu"));

        Assert.Equal(["acme", "acme-prod", "acme-prod-eu"], sut);
    }

    [Fact]
    public void Build_SearchByExternalId_IsCaseInsensitive()
    {
        var sut = Flatten(GroupTreeItems.Build(Nodes, "CUST_GLOBEX"));

        Assert.Equal(["globex"], sut);
    }

    [Fact]
    public void Build_NoMatch_IsEmpty()
    {
        var sut = GroupTreeItems.Build(Nodes, "initech");

        Assert.Empty(sut);
    }

    [Fact]
    public void Build_SubtreeWithoutItsParent_StartsAtTheSubtree()
    {
        var sut = GroupTreeItems.Build(Nodes.Where(n => n.Id.StartsWith("acme-prod", StringComparison.Ordinal)).ToList(), "");

        Assert.Equal(["acme-prod"], sut.Select(i => i.Value!.Id));
    }
}
