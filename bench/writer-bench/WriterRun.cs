using System.Diagnostics;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Usage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace FrontierGateway.Bench.WriterBench;

/// <summary>One timed run of the usage writer on a fresh database of one provider.</summary>
internal static class WriterRun
{
    // The development key-encryption key (appsettings.Development.json): AddData() refuses to start without one.
    private const string DevelopmentKek = "ZGV2LW9ubHkta2V5LWVuY3J5cHRpb24ta2V5LTAwMDE=";

    public readonly record struct Result(double Seconds, double RowsPerSecond);

    public static async Task<Result> MeasureAsync(DataProvider provider, string? postgresServer,
        List<UsageEvent> warmup, List<UsageEvent> timed, int batchSize)
    {
        Database database = provider == DataProvider.Postgres
            ? await PostgresDatabase.CreateAsync(postgresServer!)
            : SqliteDatabase.Create();
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(database.Settings);
            builder.Configuration["DataProtection:KeyEncryptionKeys:development"] = DevelopmentKek;
            builder.AddData();
            using var host = builder.Build();
            await host.StartAsync(); // migrates, as the gateway's first start-up step does
            var factory = host.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>();
            await WriteAsync(factory, warmup, batchSize);
            GC.Collect();
            var clock = Stopwatch.StartNew();
            await WriteAsync(factory, timed, batchSize);
            clock.Stop();
            await using (var db = await factory.CreateDbContextAsync())
            {
                var stored = await db.UsageEvents.CountAsync();
                if (stored != warmup.Count + timed.Count)
                {
                    throw new InvalidOperationException($"{provider}: {stored} events stored, {warmup.Count + timed.Count} written");
                }
            }
            await host.StopAsync();
            return new Result(clock.Elapsed.TotalSeconds, timed.Count / clock.Elapsed.TotalSeconds);
        }
        finally
        {
            await database.DropAsync();
        }
    }

    /// <summary>As UsageRecorder writes a batch: a context and a transaction of its own, rows at full speed (no yields).</summary>
    private static async Task WriteAsync(IDbContextFactory<FrontierDbContext> factory, List<UsageEvent> events, int batchSize)
    {
        for (var first = 0; first < events.Count; first += batchSize)
        {
            var batch = events.GetRange(first, Math.Min(batchSize, events.Count - first));
            await using var db = await factory.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await PreparedInsert.InsertAsync(db, batch);
            await transaction.CommitAsync();
        }
    }

    private abstract class Database
    {
        public abstract Dictionary<string, string?> Settings { get; }

        public abstract Task DropAsync();
    }

    /// <summary>A SQLite file in a folder of its own, opened as the gateway opens it (Data:Folder).</summary>
    private sealed class SqliteDatabase(string folder) : Database
    {
        public static SqliteDatabase Create() =>
            new(Directory.CreateTempSubdirectory("fgw-writer-bench-").FullName);

        public override Dictionary<string, string?> Settings => new()
        {
            ["Data:Provider"] = "Sqlite",
            ["Data:Folder"] = folder,
        };

        public override Task DropAsync()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
            return Task.CompletedTask;
        }
    }

    /// <summary>A database of its own on the given server (ConnectionStrings:Frontier), dropped afterwards.</summary>
    private sealed class PostgresDatabase(string server, string connection) : Database
    {
        public static async Task<PostgresDatabase> CreateAsync(string server)
        {
            var name = "fgw_writer_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
            return new PostgresDatabase(server, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
        }

        public override Dictionary<string, string?> Settings => new()
        {
            ["Data:Provider"] = "Postgres",
            ["ConnectionStrings:Frontier"] = connection,
        };

        public override async Task DropAsync()
        {
            NpgsqlConnection.ClearAllPools();
            var name = new NpgsqlConnectionStringBuilder(connection).Database;
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }

        private static async Task ExecuteAsync(string server, string sql)
        {
            var maintenance = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
