using System.Net.Http.Headers;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit;

/// <summary>The real host in memory, on a real SQLite file of its own.</summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    public const string ManageKey = "testmanagekey000.test-secret-0123456789abcdefghijklmnopqrstuv";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "fgw-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Folder"] = folder,
            ["Management:BootstrapApiKey"] = ManageKey,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
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
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
