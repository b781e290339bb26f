using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using FrontierGateway.Data.Usage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit;

/// <summary>
/// The data layer's services over a fresh SQLite file, registered as <c>AddData()</c> does, without the host:
/// for tests of the domain services and of portal components.
/// </summary>
public sealed class TestData : IAsyncDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "fgw-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The services' clock; real time shifted by <see cref="ShiftedTime.Offset"/>.</summary>
    public ShiftedTime Time { get; } = new();

    public void Register(IServiceCollection services)
    {
        Directory.CreateDirectory(Folder);
        services.AddLogging();
        services.AddDbContextFactory<FrontierDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(Folder, "frontier.db")}"));
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IChangeBus, DataChanges>();
        services.AddSingleton<GroupService>();
        services.AddSingleton<GroupUsageService>();
        services.AddSingleton<UsageHistoryService>();
        services.AddSingleton<IDailyUsageSource, DatabaseDailyUsageSource>();
        services.AddSingleton<KeyService>();
        services.AddSingleton<EndpointService>();
        // The portal reads the signed-in user back from Identity's store.
        services.AddIdentityCore<PortalUser>().AddEntityFrameworkStores<FrontierDbContext>();
    }

    public static async Task MigrateAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
