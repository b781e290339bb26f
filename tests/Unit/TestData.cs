using System.Security.Cryptography;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FrontierGateway.Tests.Unit;

/// <summary>
/// The data layer as the host registers it (<c>AddData()</c>, over a fresh database of the given provider), without the
/// rest of the host: for tests of the domain services and of portal components.
/// </summary>
public sealed class TestData : IAsyncDisposable
{
    private readonly TestDatabase database;
    private readonly string keyEncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public TestData(DataProvider provider = DataProvider.Sqlite)
    {
        Directory.CreateDirectory(Folder);
        database = new TestDatabase(provider, Folder);
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "fgw-tests", Guid.NewGuid().ToString("N"));

    public DataProvider Provider => database.Provider;

    /// <summary>The services' clock; real time shifted by <see cref="ShiftedTime.Offset"/>.</summary>
    public ShiftedTime Time { get; } = new();

    /// <summary>Starts the data layer's host: its start-up steps migrate the database and check the key ring.</summary>
    public async Task<IHost> StartAsync()
    {
        var host = Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A data layer host over this database, not started; each call makes another, as another node would be.</summary>
    public IHost Build() => Builder().Build();

    /// <summary>
    /// Adds <c>AddData()</c>'s registrations to a container the test does not build as a host (bUnit's), and the
    /// Identity stores the portal reads its users from. Nothing is started: call <see cref="MigrateAsync"/>.
    /// </summary>
    public void Register(IServiceCollection services)
    {
        foreach (var service in Builder().Services)
        {
            services.Add(service);
        }
        services.AddIdentityCore<PortalUser>().AddEntityFrameworkStores<FrontierDbContext>();
    }

    public static async Task MigrateAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
    }

    private HostApplicationBuilder Builder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Development,
            ContentRootPath = Folder,
        });
        builder.Configuration.AddInMemoryCollection(database.Settings.Append(
            KeyValuePair.Create("DataProtection:KeyEncryptionKeys:test", (string?)keyEncryptionKey)));
        builder.Services.AddLogging();
        // Registered first: AddData() adds the system clock only when there is none.
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.AddData();
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        await database.DisposeAsync();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
