using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Data.Configurations;

/// <summary>
/// Text sorts byte by byte on both providers, whatever the database's locale (the test PostgreSQL's default collation
/// is ICU en-US, which would put "_" first and ignore case): cursors and list orders do not depend on the provider.
/// </summary>
public abstract class TextOrderTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : TextOrderTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : TextOrderTests(DataProvider.Postgres);

    private static readonly string[] Ids = ["acme-b", "Acme-a", "acme-B", "acme-_", "acme-1"];

    [Fact]
    public async Task OrderByAndCompare_MixedCaseAndPunctuation_AreOrdinal()
    {
        var groups = Services.GetRequiredService<GroupService>();
        foreach (var id in Ids)
        {
            await groups.CreateAsync(new GroupCreateInput(new MetadataInput(null, id), [new ModelInput("acme/chat", [], [])],
                new HierarchyInput(null, null)), "test");
        }
        await using var db = await DbFactory.CreateDbContextAsync();

        var sorted = await db.Groups.OrderBy(g => g.ExternalEntityId).Select(g => g.ExternalEntityId).ToListAsync();
        var after = await db.Groups.Where(g => string.Compare(g.ExternalEntityId, "acme-B") > 0)
            .Select(g => g.ExternalEntityId).ToListAsync();

        Assert.Equal(Ids.Order(StringComparer.Ordinal), sorted);
        Assert.Equal(["acme-_", "acme-b"], after.Order(StringComparer.Ordinal));
    }
}
