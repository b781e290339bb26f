using System.Security.Cryptography;
using System.Text;
using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Protection;
using FrontierGateway.Data.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FrontierGateway.Tests.Unit.Data.Protection;

/// <summary>Hosts over one data folder, each with the key-encryption keys a test gives it.</summary>
internal sealed class KeyRingHosts(string folder)
{
    public const string UpstreamSecret = "sk-upstream-key-ring-test-0123456789";

    /// <summary>A fixed 256-bit key per name, as configuration holds it.</summary>
    public static string Kek(string name) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    /// <summary>The real host (Development, so the repository's development key is listed too, never current).</summary>
    public GatewayFactory Gateway(string current, params (string Id, string Key)[] keys)
    {
        var factory = new GatewayFactory { Folder = folder, KeepFolder = true };
        factory.Settings[KeyEncryptionOptions.CurrentKey] = current;
        foreach (var (id, key) in keys)
        {
            factory.Settings[$"{KeyEncryptionOptions.KeysKey}:{id}"] = key;
        }
        return factory;
    }

    /// <summary>
    /// Someone holding the database file and the host's code, with these keys and nothing else: the data layer as
    /// <c>AddData()</c> registers it, outside Development, not started.
    /// </summary>
    public IHost Reader(params (string Id, string Key)[] keys)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(keys
            .Select(k => KeyValuePair.Create($"{KeyEncryptionOptions.KeysKey}:{k.Id}", (string?)k.Key))
            .Append(KeyValuePair.Create("Data:Folder", (string?)folder)));
        builder.AddData();
        return builder.Build();
    }

    /// <summary>Data Protection as the gateway registered it before the key ring was encrypted: no XML encryptor.</summary>
    public IServiceProvider PlaintextDataProtection()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDbContextFactory<FrontierDbContext>(o => o.UseSqlite($"Data Source={Path.Combine(folder, "frontier.db")}"));
        services.AddDataProtection().SetApplicationName("FrontierGateway").PersistKeysToDbContext<FrontierDbContext>();
        return services.BuildServiceProvider();
    }

    /// <summary>Stores an upstream secret and a webhook signing secret through the API; returns the signing secret.</summary>
    public static async Task<string> StoreSecretsAsync(WebApplicationFactory<Program> gateway)
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Api-Key", GatewayFactory.ManageKey);
        var (status, _) = await client.PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"acme/kek","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:9/v1","secret":"{{UpstreamSecret}}"}]}
            """);
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        return (await client.PostAsync("/v1/gateway/webhook/secrets", "{}")).Body!["secret"]!.GetValue<string>();
    }

    /// <summary>The stored upstream secret and signing secrets, decrypted by <paramref name="services"/>.</summary>
    public static async Task<(string? Upstream, List<string> Signing)> ReadSecretsAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        var target = await db.EndpointTargets.SingleAsync(t => t.ProtectedSecret != null);
        return (services.GetRequiredService<EndpointService>().Unprotect(target),
            await services.GetRequiredService<WebhookService>().ActiveSecretsAsync());
    }

    /// <summary>The key ring as stored: one XML document per key.</summary>
    public async Task<List<string>> KeyRingAsync()
    {
        using var reader = Reader(("any", Kek("any")));
        await using var db = await reader.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        return await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
    }
}
