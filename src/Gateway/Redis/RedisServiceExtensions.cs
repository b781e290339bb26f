using FrontierGateway.Data;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Redis;

/// <summary>
/// What a host shares with the others through Redis when <c>Redis:Configuration</c> is set, and the limits' counters
/// when <c>Limits:Store</c> is <c>Redis</c>.
/// </summary>
internal static class RedisServiceExtensions
{
    /// <summary>
    /// Each seam gets its shared implementation when Redis is configured, else its in-process one. The choice is made
    /// when the service is first resolved, from the bound options, so that settings a test host adds late count too.
    /// </summary>
    public static IServiceCollection AddRedisSharing(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisOptions>, ValidateRedisOptions>();
        // One connection for the process, as StackExchange.Redis intends; made only when something needs it.
        services.AddSingleton<IConnectionMultiplexer>(sp =>
            ConnectionMultiplexer.Connect(sp.GetRequiredService<IOptions<RedisOptions>>().Value.ToClientOptions()));
        services.AddSingleton<RedisChangeBus>();
        services.Replace(ServiceDescriptor.Singleton<IChangeBus>(sp => Shared(sp)
            ? sp.GetRequiredService<RedisChangeBus>() : sp.GetRequiredService<DataChanges>()));
        services.AddSingleton<RedisLiveUsage>();
        services.Replace(ServiceDescriptor.Singleton<ILiveUsageSource>(sp => Shared(sp)
            ? sp.GetRequiredService<RedisLiveUsage>() : sp.GetRequiredService<LiveUsage>()));
        services.AddHostedService<WhenRedis<RedisLiveUsage>>();
        // The counters are a choice of their own (Limits:Store), made like the ones above; IGroupRoots is what the
        // Redis store asks to find a group's counters.
        services.AddSingleton<IGroupRoots>(sp => sp.GetRequiredService<SnapshotStore>());
        services.AddSingleton<RedisDailyTotals>();
        services.AddSingleton<RedisCounterStore>();
        // The Redis store is always behind its outage circuit (Limits:RedisOutage), which needs the hosts' count.
        services.AddSingleton<LiveHosts>();
        services.AddHostedService<WhenRedis<LiveHosts>>();
        services.AddSingleton<DailyRebuild>();
        services.AddSingleton<LimitsOutage>();
        services.AddHostedService<WhenRedis<LimitsOutage>>();
        services.AddSingleton<ResilientCounterStore>();
        services.Replace(ServiceDescriptor.Singleton<ICounterStore>(sp => SharedCounters(sp)
            ? sp.GetRequiredService<ResilientCounterStore>() : sp.GetRequiredService<InMemoryCounterStore>()));
        services.Replace(ServiceDescriptor.Singleton<IDailyTotals>(sp => SharedCounters(sp)
            ? sp.GetRequiredService<RedisDailyTotals>() : sp.GetRequiredService<DailyTotals>()));
        // The admission script checks the revocation markers, so they are written where the counters are.
        services.AddSingleton<RedisRevocations>();
        services.Replace(ServiceDescriptor.Singleton<IRevocations>(sp => SharedCounters(sp)
            ? sp.GetRequiredService<RedisRevocations>() : sp.GetRequiredService<NoRevocations>()));
        return services;
    }

    private static bool Shared(IServiceProvider services) => services.GetRequiredService<IOptions<RedisOptions>>().Value.Enabled;

    private static bool SharedCounters(IServiceProvider services) =>
        services.GetRequiredService<IOptions<LimitsOptions>>().Value.ParsedStore == CounterStoreKind.Redis;
}
