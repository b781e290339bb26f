using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>Data:Provider and ConnectionStrings:Frontier, read by <c>AddData()</c> as the host reads them.</summary>
public sealed class DataOptionsTests
{
    private const string Secret = "s3cret-Password-never-shown";

    private static IHost Host(params (string Key, string? Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Development,
            ContentRootPath = Path.GetTempPath(),
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value))
            .Append(KeyValuePair.Create("DataProtection:KeyEncryptionKeys:test", (string?)Convert.ToBase64String(new byte[32]))));
        builder.AddData();
        return builder.Build();
    }

    [Theory]
    [InlineData("Mysql")]
    [InlineData("1")]
    public async Task Start_UnknownProvider_FailsNamingTheSetting(string provider)
    {
        using var sut = Host(("Data:Provider", provider));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => sut.StartAsync());

        Assert.Contains("Data:Provider must be Sqlite or Postgres", error.Message);
    }

    [Fact]
    public async Task Start_PostgresWithoutConnectionString_FailsNamingTheSetting()
    {
        using var sut = Host(("Data:Provider", "Postgres"), ("Data:ConnectionString", "Host=ignored;Password=" + Secret));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => sut.StartAsync());

        Assert.Contains("ConnectionStrings:Frontier is required when Data:Provider is Postgres", error.Message);
        Assert.DoesNotContain(Secret, error.Message);
    }

    [Theory]
    [InlineData("postgres", "Postgres")]
    [InlineData(" Sqlite ", "Sqlite")]
    [InlineData(null, "Sqlite")]
    public void CreateDbContext_Provider_IsTheContextWhoseMigrationsMatch(string? setting, string expected)
    {
        using var sut = Host(("Data:Provider", setting), ("ConnectionStrings:Frontier", "Host=127.0.0.1;Password=" + Secret));
        using var scope = sut.Services.CreateScope();

        using var made = sut.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContext();
        var scoped = scope.ServiceProvider.GetRequiredService<FrontierDbContext>();

        var provider = expected == "Postgres" ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite";
        Assert.Equal(provider, made.Database.ProviderName);
        Assert.Equal(made.GetType(), scoped.GetType());
        Assert.Equal($"FrontierGateway.Data.Migrations.{expected}",
            Assert.Single(made.GetService<IMigrationsAssembly>().Migrations.Values
                .Select(t => t.Namespace).Distinct()));
    }
}
