using FrontierGateway.Tests.Unit.Infrastructure;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FrontierGateway.Tests.Unit.Gateway.Health;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Healthz_RunningHostOnKestrel_Answers200WithNoChecks()
    {
        await using var gateway = new LiveGatewayFactory();
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Healthy", body["status"]!.GetValue<string>());
        Assert.Empty(body["checks"]!.AsObject());
    }

    [Fact]
    public async Task Readyz_StartedHostOnKestrel_Answers200WithEveryCheckHealthy()
    {
        await using var gateway = new LiveGatewayFactory();
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        var (status, body) = await client.GetJsonAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body!["status"]!.GetValue<string>());
        // No Redis check: Redis:Configuration is not set.
        Assert.Equal(["database", "journal", "migrations", "snapshot"], body["checks"]!.AsObject().Select(c => c.Key).Order());
        Assert.All(body["checks"]!.AsObject(), c => Assert.Equal("Healthy", c.Value!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task HealthEndpoints_FreshInstallWithoutAdmin_AnswerWithoutSetupRedirectOrCookie()
    {
        await using var gateway = new GatewayFactory();
        gateway.Settings["Portal:SeedAdmin:Email"] = "";
        using var client = gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var page = await client.GetAsync("/");
        using var live = await client.GetAsync("/healthz");
        using var ready = await client.GetAsync("/readyz");

        // The gate is on (a page leads to setup), yet the probes are answered, anonymously and without a cookie.
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/account/setup", page.Headers.Location?.OriginalString);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (live.StatusCode, ready.StatusCode));
        Assert.False(live.Headers.Contains("Set-Cookie"));
        Assert.False(ready.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Readyz_BeforeTheSnapshotLoads_Answers503UntilItIsLoaded()
    {
        await using var gateway = new GatewayFactory();
        // The host's own start-up step is taken out, so that the test can load the snapshot when it chooses.
        var host = gateway.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            foreach (var step in services.Where(d => d.ServiceType == typeof(IHostedService)
                && d.ImplementationFactory?.Method.ReturnType == typeof(SnapshotStore)).ToList())
            {
                services.Remove(step);
            }
        }));
        using var client = host.CreateClient();

        var (unready, before) = await client.GetJsonAsync("/readyz");
        var live = await client.GetAsync("/healthz");
        await host.Services.GetRequiredService<SnapshotStore>().StartAsync(CancellationToken.None);
        var (ready, after) = await client.GetJsonAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready);
        Assert.Equal("Unhealthy", before!["status"]!.GetValue<string>());
        Assert.Equal("Unhealthy", before["checks"]!["snapshot"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", before["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal("Healthy", after!["checks"]!["snapshot"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Readyz_DatabaseFolderGone_Answers503WithoutItsPathAndReadyWhenItReturns()
    {
        await using var gateway = new GatewayFactory();
        var database = Path.Combine(gateway.Folder, "db");
        gateway.Settings["Data:Folder"] = database;
        gateway.Settings["Gateway:JournalFolder"] = Path.Combine(gateway.Folder, "journal");
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/readyz")).Status);

        // Pooled connections keep the moved file open (SQLite's shared cache would even lend them to a new
        // one), so they are closed first: what follows opens the database by its path, which is gone.
        SqliteConnection.ClearAllPools();
        Directory.Move(database, database + "-away");
        SqliteConnection.ClearAllPools();
        var (unready, body) = await ReadyzAsync(client);
        Directory.Move(database + "-away", database);
        var (ready, _) = await ReadyzAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready);
        Assert.Equal("Unhealthy", body["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", body["checks"]!["snapshot"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain(gateway.Folder, body.Text);
        Assert.DoesNotContain("Data Source", body.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SQLite", body.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, ready);
    }

    [Fact]
    public async Task Readyz_RedisConfiguredButUnreachable_Answers503WithoutTheConfiguration()
    {
        var port = ClosedPort();
        await using var gateway = new GatewayFactory();
        gateway.Settings["Redis:Configuration"] =
            $"127.0.0.1:{port},password=not-in-the-body-7f3a,connectTimeout=1000,abortConnect=false";
        using var client = gateway.CreateClient();

        var (status, body) = await ReadyzAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body["checks"]!["redis"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", body["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain("not-in-the-body-7f3a", body.Text);
        Assert.DoesNotContain($"127.0.0.1:{port}", body.Text);
    }

    [Fact]
    public async Task Readyz_RealRedisStoppedAndStartedAgain_GoesUnreadyThenReady()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var gateway = new GatewayFactory();
        gateway.Settings["Redis:Configuration"] = redis.Configuration + ",connectTimeout=1000";
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await ReadyzAsync(client)).Status);

        redis.Kill();
        var down = await UntilAsync(client, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", down["checks"]!["redis"]!["status"]!.GetValue<string>());

        await redis.RestartAsync();
        var up = await UntilAsync(client, HttpStatusCode.OK);
        Assert.Equal("Healthy", up["checks"]!["redis"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Readyz_RealPostgresStoppedAndStartedAgain_GoesUnreadyThenReady()
    {
        using var postgres = PostgresServer.StartOwn();
        await using var gateway = new GatewayFactory();
        gateway.Settings["Data:Provider"] = "Postgres";
        gateway.Settings["ConnectionStrings:Frontier"] = postgres.ConnectionString(postgres.CreateDatabase()) + ";Timeout=3";
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await ReadyzAsync(client)).Status);

        postgres.Kill();
        var down = await UntilAsync(client, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", down["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain("Host=", down.Text);

        // Calls go on being answered from the snapshot while the database is away: the background jobs that
        // found it gone (webhook batcher and sender, usage writer) wait for it rather than stop the host.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.GetAsync("/healthz")));
        postgres.Restart();
        var up = await UntilAsync(client, HttpStatusCode.OK);
        Assert.Equal("Healthy", up["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain(gateway.Logged.Messages, m => m.Contains("BackgroundService failed", StringComparison.Ordinal));
    }

    /// <summary>Polls /readyz until it answers <paramref name="wanted"/> (the client notices a lost or returned server
    /// within a few seconds); fails after 30 s.</summary>
    private static async Task<Body> UntilAsync(HttpClient client, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (status, body) = await ReadyzAsync(client);
            if (status == wanted)
            {
                return body;
            }
            Assert.True(DateTime.UtcNow < deadline, $"/readyz stayed {status}: {body.Text}");
            await Task.Delay(200);
        }
    }

    private static async Task<(HttpStatusCode Status, Body Body)> ReadyzAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/readyz");
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, new Body(text, JsonNode.Parse(text)!));
    }

    private sealed record Body(string Text, JsonNode Json)
    {
        public JsonNode? this[string name] => Json[name];
    }

    /// <summary>A loopback port nothing listens on: taken from the OS, then let go.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
