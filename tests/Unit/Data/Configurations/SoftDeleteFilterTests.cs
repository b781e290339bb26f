using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Tests.Unit.Data.Configurations;

/// <summary>Deleted groups and revoked keys are gone from every query unless it asks for them.</summary>
public abstract class SoftDeleteFilterTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : SoftDeleteFilterTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : SoftDeleteFilterTests(DataProvider.Postgres);

    private GroupService Groups => Services.GetRequiredService<GroupService>();
    private KeyService Keys => Services.GetRequiredService<KeyService>();

    private Task<GroupView> CreateAsync(string external, string? parent = null) =>
        Groups.CreateAsync(new GroupCreateInput(new MetadataInput(null, external), [new ModelInput("acme/chat", [], [])],
            new HierarchyInput(null, parent)), "test");

    [Fact]
    public async Task Groups_DeletedSubtree_SeenOnlyWhenFiltersAreIgnored()
    {
        var root = await CreateAsync("root");
        var child = await CreateAsync("child", root.Id);
        var other = await CreateAsync("other");
        await Groups.DeleteAsync(root.Id, "test");
        await using var db = await DbFactory.CreateDbContextAsync();

        var sut = await db.Groups.Select(g => g.Id).ToListAsync();

        Assert.Equal([other.Id], sut);
        Assert.Equal(new[] { root.Id, child.Id, other.Id }.Order(),
            (await db.Groups.IgnoreQueryFilters().Select(g => g.Id).ToListAsync()).Order());
    }

    [Fact]
    public async Task CustomerApiKeys_RevokedWithTheirGroup_SeenOnlyWhenFiltersAreIgnored()
    {
        var group = await CreateAsync("keys");
        var kept = await CreateAsync("kept");
        await Keys.MintAsync(group.Id, new KeyCreateInput("a", null), "test");
        var live = await Keys.MintAsync(kept.Id, new KeyCreateInput("b", null), "test");
        await Groups.DeleteAsync(group.Id, "test");
        await using var db = await DbFactory.CreateDbContextAsync();

        var sut = await db.CustomerApiKeys.Select(k => k.Prefix).ToListAsync();

        Assert.Equal([live.Prefix], sut);
        Assert.Equal(2, await db.CustomerApiKeys.IgnoreQueryFilters().CountAsync());
    }

    [Fact]
    public async Task EnsureAsync_BootstrapKeyRevoked_StaysRevoked()
    {
        var sut = new WorkspaceKeyService(DbFactory, Data.Time);
        var bootstrap = $"{new string('b', 16)}.{new string('s', 40)}";
        await sut.EnsureAsync(bootstrap, "bootstrap", WorkspaceScope.Manage);
        await sut.RevokeAsync(new string('b', 16), "test");

        await sut.EnsureAsync(bootstrap, "bootstrap", WorkspaceScope.Manage);

        Assert.Null(await sut.AuthenticateAsync(bootstrap));
        Assert.Empty(await sut.ListAsync());
    }

    [Fact]
    public async Task Model_QueryFilters_BuildWithoutWarnings()
    {
        // EF warns while building the model, which warnings-as-errors does not see, when a filtered entity is the
        // required end of a relationship whose other end is not filtered.
        var capture = new LogCapture();
        using var logging = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Warning));
        var options = new DbContextOptionsBuilder<FrontierDbContext>(Services.GetRequiredService<DbContextOptions<FrontierDbContext>>())
            .UseLoggerFactory(logging).Options;
        await using var db = new FrontierDbContext(options);

        var sut = await db.Groups.CountAsync();

        Assert.Equal(0, sut);
        Assert.Empty(capture.Messages);
    }
}
