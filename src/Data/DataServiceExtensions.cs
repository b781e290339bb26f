using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using FrontierGateway.Data.Leases;
using FrontierGateway.Data.Protection;
using FrontierGateway.Data.Requests;
using FrontierGateway.Data.Usage;
using FrontierGateway.Data.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Data;

public static class DataServiceExtensions
{
    /// <summary>The data layer: the database, Data Protection keys kept in it (encrypted), and the domain services.</summary>
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // First, so that the database is migrated before any other start-up step reads it (Data Protection does).
        services.AddHostedService<DatabaseInitializer>();
        services.AddOptions<DataOptions>().BindConfiguration(DataOptions.Section)
            .Configure<IConfiguration>((data, config) =>
                data.PostgresConnectionString = config.GetConnectionString(DataOptions.ConnectionStringName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DataOptions>, DataOptionsValidator>();
        // Also registers the scoped context (Identity's and Data Protection's stores take one) through the same factory.
        services.AddDbContextFactory<FrontierDbContext, FrontierDbContextFactory>(UseProvider);
        // The key ring lives in the database, encrypted with a key that does not (DataProtection:KeyEncryptionKeys).
        services.AddKeyRingProtection();
        services.AddDataProtection().SetApplicationName("FrontierGateway").PersistKeysToDbContext<FrontierDbContext>();
        services.TryAddTimeProvider();
        services.AddSingleton<DataChanges>();
        // One host's bus; AddGateway swaps in the Redis one when several hosts share the data.
        services.AddSingleton<IChangeBus>(sp => sp.GetRequiredService<DataChanges>());
        // Likewise: AddGateway records revocations in Redis when the counters live there.
        services.AddSingleton<NoRevocations>();
        services.AddSingleton<IRevocations>(sp => sp.GetRequiredService<NoRevocations>());
        services.AddSingleton<GroupService>();
        services.AddSingleton<GroupUsageService>();
        services.AddSingleton<UsageHistoryService>();
        services.AddSingleton<SpendService>();
        services.AddSingleton<RequestLogService>();
        services.AddSingleton<NearLimitService>();
        services.AddSingleton<GroupActivityService>();
        services.AddSingleton<EndpointHealthService>();
        services.TryAddSingleton<IDailyUsageSource, DatabaseDailyUsageSource>();
        services.AddSingleton<KeyService>();
        services.AddSingleton<WorkspaceKeyService>();
        services.AddSingleton<EndpointService>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<EventQueryService>();
        services.AddSingleton<AuditQueryService>();
        services.AddSingleton<HostId>();
        services.AddSingleton<JobLeases>();
        return builder;
    }

    private static void UseProvider(IServiceProvider services, DbContextOptionsBuilder options)
    {
        // Reading the options validates them: a wrong Data:Provider or a missing connection string stops here, named.
        var data = services.GetRequiredService<IOptions<DataOptions>>().Value;
        var connection = data.ResolveConnectionString(services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        var migrations = typeof(FrontierDbContext).Assembly.GetName().Name;
        if (data.ParsedProvider == DataProvider.Postgres)
        {
            options.UseNpgsql(connection, postgres => postgres.MigrationsAssembly(migrations));
        }
        else
        {
            options.UseSqlite(connection, sqlite => sqlite.MigrationsAssembly(migrations));
        }
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
