using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FrontierGateway.Data;

/// <summary>The one start-up step that applies migrations and runs the seeders, before the server listens.</summary>
internal sealed class DatabaseInitializer(IServiceProvider services) : IHostedService
{
    /// <summary>
    /// The PostgreSQL advisory lock every host takes around migrating. Any constant works as long as all hosts use the
    /// same one and nothing else in the database does; this is "FrontGW1" read as a big-endian 64-bit integer.
    /// </summary>
    internal const long MigrationLockKey = 0x46726F6E74475731;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<FrontierDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            if (db.Database.IsNpgsql())
            {
                await MigrateUnderLockAsync(db, cancellationToken);
            }
            else
            {
                await db.Database.MigrateAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }
        foreach (var seeder in scope.ServiceProvider.GetServices<IDataSeeder>())
        {
            await seeder.SeedAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Hosts started at the same moment on one empty database would each create the tables. The first to take the
    /// lock migrates; the others wait for it, then find every migration applied and do nothing. The lock belongs to
    /// the session, so the connection stays open until it is released (and a host that dies releases it with its
    /// connection).
    /// </summary>
    private static async Task MigrateUnderLockAsync(FrontierDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", ct);
            try
            {
                await db.Database.MigrateAsync(ct);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
