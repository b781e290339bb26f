using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Data.Keys;

public abstract class KeyQueriesTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : KeyQueriesTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : KeyQueriesTests(DataProvider.Postgres);

    private KeyService Keys => Services.GetRequiredService<KeyService>();

    private async Task<string> GroupWithKeysAsync()
    {
        var group = (await Services.GetRequiredService<GroupService>().CreateAsync(new GroupCreateInput(
            new MetadataInput(null, "keys"), [new ModelInput("acme/chat", [], [])], new HierarchyInput(null, null)), "test")).Id;
        await Keys.MintAsync(group, new KeyCreateInput("forever", null), "test");
        await Keys.MintAsync(group, new KeyCreateInput("tomorrow", DateTime.UtcNow.AddDays(1)), "test");
        await Keys.MintAsync(group, new KeyCreateInput("soon", DateTime.UtcNow.AddMinutes(1)), "test");
        var revoked = await Keys.MintAsync(group, new KeyCreateInput("revoked", null), "test");
        await Keys.RevokeAsync(group, revoked.Prefix, "test");
        return group;
    }

    [Fact]
    public async Task Live_ExpiredAndRevokedKeys_AreLeftOut()
    {
        await GroupWithKeysAsync();
        Data.Time.Offset = TimeSpan.FromHours(1);
        await using var db = await DbFactory.CreateDbContextAsync();

        var sut = await db.CustomerApiKeys.Live(Data.Time.GetUtcNow().UtcDateTime).Select(k => k.Name).ToListAsync();

        Assert.Equal(["forever", "tomorrow"], sut.Order());
    }

    [Fact]
    public async Task Live_FiltersIgnored_StillLeavesOutRevokedKeys()
    {
        await GroupWithKeysAsync();
        await using var db = await DbFactory.CreateDbContextAsync();

        var sut = await db.CustomerApiKeys.IgnoreQueryFilters().Live(DateTime.UtcNow).Select(k => k.Name).ToListAsync();

        Assert.Equal(["forever", "soon", "tomorrow"], sut.Order());
        Assert.Equal(4, await db.CustomerApiKeys.IgnoreQueryFilters().CountAsync());
    }

    [Fact]
    public async Task Live_KeyExpiringExactlyNow_IsNotLive()
    {
        await GroupWithKeysAsync();
        await using var db = await DbFactory.CreateDbContextAsync();
        var soon = await db.CustomerApiKeys.SingleAsync(k => k.Name == "soon");

        var sut = await db.CustomerApiKeys.Live(soon.ExpiresAt!.Value).Select(k => k.Name).ToListAsync();

        Assert.DoesNotContain("soon", sut);
        Assert.Contains("tomorrow", sut);
    }
}
