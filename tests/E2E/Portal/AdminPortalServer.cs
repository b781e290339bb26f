using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.E2E.Portal;

/// <summary>
/// The real host on Kestrel at 127.0.0.1 on a free port, with a fresh SQLite folder and the development seeds,
/// including the admin <see cref="AdminEmail"/>, so that a browser can sign in straight away.
/// </summary>
internal sealed class AdminPortalServer : WebApplicationFactory<Program>
{
    public const string AdminEmail = "e2e.admin@example.com";
    public const string AdminPassword = "E2e-admin-password-1";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "fgw-e2e", Guid.NewGuid().ToString("N"));

    private Uri? baseAddress;

    public AdminPortalServer() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

    /// <summary>Starts the host on first use and answers the address Kestrel bound.</summary>
    public Uri BaseAddress => baseAddress ??= Start();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Folder"] = folder,
            ["Portal:SeedAdmin:Email"] = AdminEmail,
            ["Portal:SeedAdmin:Password"] = AdminPassword,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
    }

    private Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("Kestrel reported no bound address.");
        return new Uri(address.TrimEnd('/') + "/");
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
