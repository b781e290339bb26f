using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>The portal's read models: the tree, what a delete takes with it, every live key.</summary>
public abstract class GroupTreeQueryTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : GroupTreeQueryTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : GroupTreeQueryTests(DataProvider.Postgres);

    private GroupService Groups => Services.GetRequiredService<GroupService>();
    private KeyService Keys => Services.GetRequiredService<KeyService>();

    private async Task<string> CreateAsync(string external, string? parent = null, string? name = null) =>
        (await Groups.CreateAsync(new GroupCreateInput(new MetadataInput(name, external),
            [new ModelInput("acme/chat", [], [])], new HierarchyInput("INDEPENDENT", parent)), "test")).Id;

    [Fact]
    public async Task ListTreeAsync_Root_ListsOnlyItsSubtreeWithDepths()
    {
        var root = await CreateAsync("root", name: "Root");
        var child = await CreateAsync("child", root);
        var grandchild = await CreateAsync("grandchild", child);
        await CreateAsync("other");

        var sut = await Groups.ListTreeAsync(child);

        Assert.Equal([(child, 2), (grandchild, 3)], sut.Select(n => (n.Id, n.Depth)));
        Assert.Equal(4, (await Groups.ListTreeAsync()).Count);
        Assert.Equal("Root", (await Groups.ListTreeAsync(root))[0].DisplayName);
        Assert.Equal("child", sut[0].DisplayName);
    }

    [Fact]
    public async Task ListTreeAsync_All_ReadsAsATreeSiblingsByName()
    {
        var b = await CreateAsync("b", name: "B");
        var a = await CreateAsync("a", name: "A");
        var b2 = await CreateAsync("b2", b, name: "B2");
        var b1 = await CreateAsync("b1", b, name: "B1");
        var b1x = await CreateAsync("b1x", b1, name: "B1x");

        var sut = await Groups.ListTreeAsync();

        Assert.Equal([a, b, b1, b1x, b2], sut.Select(n => n.Id));
    }

    [Fact]
    public async Task ListTreeAsync_Keys_CountsOnlyUsableOnes()
    {
        var group = await CreateAsync("keys");
        await Keys.MintAsync(group, new KeyCreateInput("live", null), "test");
        await Keys.MintAsync(group, new KeyCreateInput("soon", DateTime.UtcNow.AddMinutes(1)), "test");
        var revoked = await Keys.MintAsync(group, new KeyCreateInput("revoked", null), "test");
        await Keys.RevokeAsync(group, revoked.Prefix, "test");
        Data.Time.Offset = TimeSpan.FromHours(1);

        var sut = (await Groups.ListTreeAsync()).Single();

        Assert.Equal(1, sut.KeyCount);
        Assert.Equal(1, sut.SlugCount);
        Assert.Equal(["soon", "live"], (await Keys.ListAllAsync(group)).Select(k => k.Name));
    }

    [Fact]
    public async Task DeletePreviewAsync_Subtree_ListsDescendantsAndKeysToRevoke()
    {
        var root = await CreateAsync("p-root");
        var child = await CreateAsync("p-child", root);
        var grandchild = await CreateAsync("p-grandchild", child);
        await CreateAsync("p-other");
        await Keys.MintAsync(root, new KeyCreateInput(null, null), "test");
        await Keys.MintAsync(grandchild, new KeyCreateInput(null, null), "test");

        var sut = await Groups.DeletePreviewAsync(root);
        var deleted = await Groups.DeleteAsync(root, "test");

        Assert.Equal(root, sut.Group.Id);
        Assert.Equal([child, grandchild], sut.Descendants.Select(n => n.Id));
        Assert.Equal(2, sut.KeysToRevoke);
        Assert.Equal(root, deleted.Id);
        Assert.Equal(["p-other"], (await Groups.ListTreeAsync()).Select(n => n.ExternalEntityId));
    }

    [Fact]
    public async Task DeletePreviewAsync_Unknown_IsNotFound()
    {
        var sut = await Assert.ThrowsAsync<DomainException>(() => Groups.DeletePreviewAsync("grp_missing"));

        Assert.Equal(404, sut.Status);
    }
}
