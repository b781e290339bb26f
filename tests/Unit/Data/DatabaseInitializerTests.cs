using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>Several hosts starting at once on one empty PostgreSQL database migrate it once, under an advisory lock.</summary>
public sealed class DatabaseInitializerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly TestData data = new(DataProvider.Postgres);
    private readonly List<IHost> hosts = [];

    private IHost NewHost()
    {
        var host = data.Build();
        hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task StartAsync_FourHostsAtOnce_EachMigrationAppliedOnceAndEveryHostServes()
    {
        var starting = Enumerable.Range(0, 4).Select(_ => NewHost()).ToList();

        await Task.WhenAll(starting.Select(h => h.StartAsync())).WaitAsync(Deadline);

        await using var db = await Factory(starting[0]).CreateDbContextAsync();
        var applied = await db.Database.SqlQueryRaw<string>("""SELECT "MigrationId" AS "Value" FROM "__EFMigrationsHistory" """)
            .ToListAsync();
        Assert.Equal(db.Database.GetMigrations().Order(), applied.Order());
        foreach (var host in starting)
        {
            await using var each = await Factory(host).CreateDbContextAsync();
            Assert.Equal(0, await each.Groups.CountAsync());
        }
    }

    [Fact]
    public async Task StartAsync_WhileTheLockIsHeld_WaitsForItThenMigrates()
    {
        await using var holder = new NpgsqlConnection(ConnectionString());
        await holder.OpenAsync();
        await Execute(holder, $"SELECT pg_advisory_lock({DatabaseInitializer.MigrationLockKey})");
        var host = NewHost();

        var start = host.StartAsync();
        // The host's session is queued behind ours (advisory locks are per database: other tests' hosts are elsewhere).
        await UntilAsync(async () => await Scalar(holder, """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """) == 1);
        Assert.False(start.IsCompleted);
        Assert.Equal(0L, await Scalar(holder, "SELECT count(*) FROM pg_tables WHERE tablename = '__EFMigrationsHistory'"));
        await Execute(holder, $"SELECT pg_advisory_unlock({DatabaseInitializer.MigrationLockKey})");

        await start.WaitAsync(Deadline);
        await using var db = await Factory(host).CreateDbContextAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    private static IDbContextFactory<FrontierDbContext> Factory(IHost host) =>
        host.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>();

    private string ConnectionString()
    {
        using var host = data.Build();
        using var db = Factory(host).CreateDbContext();
        return db.Database.GetConnectionString()!;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
        await data.DisposeAsync();
    }
}
