using System.Net.Http.Headers;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Tests.Unit;

/// <summary>
/// The real host in memory, on a fresh database of its own: a real SQLite file, or with
/// <see cref="PostgresGatewayFactory"/> a database on the run's real PostgreSQL. A suite that runs on both is abstract,
/// with a nested <c>OnSqlite</c> and <c>OnPostgres</c> class, each taking its factory as class fixture.
/// </summary>
public class GatewayFactory : WebApplicationFactory<Program>
{
    public const string ManageKey = "testmanagekey000.test-secret-0123456789abcdefghijklmnopqrstuv";

    private TestDatabase? database;

    public GatewayFactory()
        : this(DataProvider.Sqlite)
    {
    }

    protected GatewayFactory(DataProvider provider) => Provider = provider;

    /// <summary>A host on a fresh database of <paramref name="provider"/>, for suites that make a host per test.</summary>
    public static GatewayFactory On(DataProvider provider) =>
        provider == DataProvider.Postgres ? new PostgresGatewayFactory() : new GatewayFactory();

    public DataProvider Provider { get; }

    /// <summary>The data folder: a fresh one unless a test sets it to share data between hosts.</summary>
    public string Folder { get; init; } = NewFolder();

    /// <summary>
    /// A database that several hosts share (<see cref="HostPair"/>); its owner disposes it. Unset, the factory makes
    /// a fresh one of its own on <see cref="Provider"/>.
    /// </summary>
    public TestDatabase? SharedDatabase { get; init; }

    /// <summary>Whether disposing deletes <see cref="Folder"/>.</summary>
    public bool KeepFolder { get; init; }

    /// <summary>Settings over the development ones, read when the host is built.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>What the host logs (at the levels its settings let through).</summary>
    public LogCapture Logged { get; } = new();

    /// <summary>The host's clock; real time shifted by <see cref="ShiftedTime.Offset"/>.</summary>
    public ShiftedTime Time { get; } = new();

    public static string NewFolder() => Path.Combine(Path.GetTempPath(), "fgw-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        database ??= SharedDatabase ?? new TestDatabase(Provider, Folder);
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["Management:BootstrapApiKey"] = ManageKey,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Gateway:CounterFlushSeconds"] = "1",
            // The whole snapshot before the host listens, however slow the machine: a test that reads the store right
            // after the start expects it. SnapshotWarmingTests set 0 to test listening before the read ends.
            ["Gateway:StartupWaitSeconds"] = "60",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        // Also as host settings, which the host's builder sees before it is built: Program.cs decides from some of
        // them what to register at all (Portal:Enabled, Redis:Configuration).
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Time));
        builder.ConfigureLogging(logging => logging.AddProvider(Logged));
    }

    public HttpClient Client(string key = ManageKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", key);
        return client;
    }

    public async Task<string> MintWorkspaceKeyAsync(WorkspaceScope scope) =>
        (await Services.GetRequiredService<WorkspaceKeyService>().MintAsync("test", scope, "test")).ApiKey;

    public async Task<T> QueryAsync<T>(Func<FrontierDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (database is not null && database != SharedDatabase)
        {
            await database.DisposeAsync();
        }
        if (!KeepFolder && Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
