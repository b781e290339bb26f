using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Data.Keys;

/// <summary>A revoked key stays listed for the portal with when and by whom it was revoked, on both providers.</summary>
public abstract class KeyRevocationTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : KeyRevocationTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : KeyRevocationTests(DataProvider.Postgres);

    private KeyService Keys => Services.GetRequiredService<KeyService>();
    private GroupService Groups => Services.GetRequiredService<GroupService>();

    private async Task<string> GroupAsync(string external, string? parent = null) =>
        (await Groups.CreateAsync(new GroupCreateInput(new MetadataInput(null, external),
            [new ModelInput("acme/chat", [], [])], new HierarchyInput(null, parent)), "test")).Id;

    [Fact]
    public async Task ListAllAsync_IncludeRevoked_ShowsWhenAndByWhom()
    {
        var group = await GroupAsync("revoked-by");
        var live = await Keys.MintAsync(group, new KeyCreateInput("live", null), "test");
        var old = await Keys.MintAsync(group, new KeyCreateInput("old", null), "test");
        await Keys.RevokeAsync(group, old.Prefix, "user:ops@example.com");

        var sut = await Keys.ListAllAsync(group, includeRevoked: true);

        var revoked = Assert.Single(sut, k => k.Prefix == old.Prefix);
        Assert.Equal("user:ops@example.com", revoked.RevokedBy);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Null(Assert.Single(sut, k => k.Prefix == live.Prefix).RevokedAt);
        Assert.Equal([live.Prefix], (await Keys.ListAllAsync(group)).Select(k => k.Prefix));
    }

    [Fact]
    public async Task DeleteAsync_Group_RecordsWhoRevokedItsKeysAndItsDescendants()
    {
        var parent = await GroupAsync("deleted-parent");
        var child = await GroupAsync("deleted-child", parent);
        var key = await Keys.MintAsync(child, new KeyCreateInput(null, null), "test");

        await Groups.DeleteAsync(parent, "user:admin@example.com");

        await using var db = await DbFactory.CreateDbContextAsync();
        var stored = await db.CustomerApiKeys.IgnoreQueryFilters().SingleAsync(k => k.Prefix == key.Prefix);
        Assert.Equal("user:admin@example.com", stored.RevokedBy);
    }
}
