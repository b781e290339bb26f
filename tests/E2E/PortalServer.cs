using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.E2E;

/// <summary>
/// The real host on Kestrel at 127.0.0.1 on a free port, with a fresh SQLite folder. With no admin to seed, a
/// browser meets the first-run setup page; <see cref="SeededPortalServer"/> seeds one.
/// </summary>
internal class PortalServer : WebApplicationFactory<Program>
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "fgw-e2e", Guid.NewGuid().ToString("N"));
    private readonly (string Email, string Password) seedAdmin;

    private Uri? baseAddress;

    public PortalServer()
        : this("", "")
    {
    }

    protected PortalServer(string adminEmail, string adminPassword)
    {
        seedAdmin = (adminEmail, adminPassword);
        // The factory's own switch, so that it puts Kestrel, not its in-memory TestServer, behind the host.
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Starts the host on first use and answers the address Kestrel bound.</summary>
    public Uri BaseAddress => baseAddress ??= Start();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development serves the static web assets of referenced packages (_content/MudBlazor).
        builder.UseEnvironment("Development");
        // Applied when the host is built, after the repository's appsettings.Development.json: these win.
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Folder"] = folder,
            ["Portal:SeedAdmin:Email"] = seedAdmin.Email,
            ["Portal:SeedAdmin:Password"] = seedAdmin.Password,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
    }

    private Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no bound address.");
        return new Uri(address.TrimEnd('/') + "/");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Pooled connections keep the SQLite file open; release them before deleting the folder.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
