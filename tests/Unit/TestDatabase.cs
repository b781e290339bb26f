using FrontierGateway.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit;

/// <summary>A migrated SQLite file of its own, for services that take an <see cref="IDbContextFactory{T}"/>.</summary>
public sealed class TestDatabase : IDbContextFactory<FrontierDbContext>, IAsyncDisposable
{
    private readonly string folder = GatewayFactory.NewFolder();
    private readonly DbContextOptions<FrontierDbContext> options;

    private TestDatabase()
    {
        Directory.CreateDirectory(folder);
        options = new DbContextOptionsBuilder<FrontierDbContext>()
            .UseSqlite($"Data Source={Path.Combine(folder, "frontier.db")}").Options;
    }

    public static async Task<TestDatabase> CreateAsync()
    {
        var database = new TestDatabase();
        await using var db = database.CreateDbContext();
        await db.Database.MigrateAsync();
        return database;
    }

    public FrontierDbContext CreateDbContext() => new(options);

    public async Task AddAsync<T>(params T[] entities) where T : class
    {
        await using var db = CreateDbContext();
        db.Set<T>().AddRange(entities);
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
