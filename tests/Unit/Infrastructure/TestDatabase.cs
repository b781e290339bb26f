using FrontierGateway.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Infrastructure;

/// <summary>
/// A fresh, empty database on one provider, for one test or one fixture: a SQLite file in <paramref name="folder"/>,
/// or a database of its own on the run's <see cref="PostgresServer"/>. <see cref="Settings"/> are what the host reads.
/// </summary>
public sealed class TestDatabase(DataProvider provider, string folder) : IAsyncDisposable
{
    private readonly string? postgresDatabase = provider == DataProvider.Postgres ? PostgresServer.Shared.CreateDatabase() : null;

    public DataProvider Provider => provider;

    /// <summary>The configuration that points the host at this database (the SQLite folder also holds the usage journal).</summary>
    public IReadOnlyDictionary<string, string?> Settings => postgresDatabase is null
        ? new Dictionary<string, string?> { ["Data:Provider"] = "Sqlite", ["Data:Folder"] = folder }
        : new Dictionary<string, string?>
        {
            ["Data:Provider"] = "Postgres",
            ["Data:Folder"] = folder,
            [$"ConnectionStrings:{DataOptions.ConnectionStringName}"] = PostgresServer.Shared.ConnectionString(postgresDatabase),
        };

    /// <summary>A context on this database for a test's own reads and writes, beside (or without) a running host.</summary>
    public FrontierDbContext Context()
    {
        var options = new DbContextOptionsBuilder<FrontierDbContext>();
        if (postgresDatabase is null)
        {
            return new FrontierDbContext(options.UseSqlite($"Data Source={Path.Combine(folder, "frontier.db")}").Options);
        }
        return new PostgresFrontierDbContext(options.UseNpgsql(PostgresServer.Shared.ConnectionString(postgresDatabase)).Options);
    }

    public ValueTask DisposeAsync()
    {
        if (postgresDatabase is null)
        {
            // Pooled connections keep the file open; the folder's owner deletes it.
            SqliteConnection.ClearAllPools();
        }
        else
        {
            PostgresServer.Shared.DropDatabase(postgresDatabase);
        }
        return ValueTask.CompletedTask;
    }
}
