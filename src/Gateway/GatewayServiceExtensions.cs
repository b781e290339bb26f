using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using FrontierGateway.Gateway.Inference;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Management;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Metering.Journal;
using FrontierGateway.Gateway.Metering.Requests;
using FrontierGateway.Gateway.Redis;
using FrontierGateway.Gateway.Simulated;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Webhooks;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace FrontierGateway.Gateway;

public static class GatewayServiceExtensions
{
    /// <summary>The management API and the data plane: snapshot, proxy, limits, metering, simulated model.</summary>
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ManagementOptions>, ValidateManagementOptions>();
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, ValidateGatewayOptions>();
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitsOptions>, ValidateLimitsOptions>();
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddWorkspaceKeyAuthentication();
        builder.AddTelemetry();
        services.AddSingleton<IDataSeeder, DevelopmentSeeder>();

        services.AddReverseProxy().LoadFromMemory(ProxyConfigUpdater.Routes, [ProxyConfigUpdater.Unrouted])
            .AddTransforms<UpstreamTransform>();
        services.AddSingleton<IForwarderHttpClientFactory, UpstreamHttpClientFactory>();
        services.AddSingleton<ILoadBalancingPolicy, PriorityLoadBalancing>();
        services.AddOptions<TransportFailureRateHealthPolicyOptions>().Configure<IOptions<GatewayOptions>>((health, gateway) =>
        {
            health.DetectionWindowSize = TimeSpan.FromSeconds(gateway.Value.HealthWindowSeconds);
            health.MinimalTotalCountThreshold = gateway.Value.HealthMinimumCalls;
        });
        services.AddOptions<SocketTransportOptions>().Configure<IOptions<GatewayOptions>>((sockets, gateway) =>
            sockets.Backlog = gateway.Value.ListenBacklog);
        // Kestrel's own cap (30,000,000 bytes by default) was below the inference API's: a body between the two was
        // refused as larger than MaxBodyBytes, which it was not. Each API's reader enforces its own limit below this.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = InferenceRequest.MaxBodyBytes);
        services.AddSingleton<TargetHealth>();
        services.AddSingleton<IEndpointListener, ProxyConfigUpdater>();
        services.AddSingleton<SnapshotLoader>();
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<DailyTotals>();
        services.AddSingleton<IDailyTotals>(sp => sp.GetRequiredService<DailyTotals>());
        services.AddSingleton<InMemoryCounterStore>();
        services.AddSingleton<ICounterStore>(sp => sp.GetRequiredService<InMemoryCounterStore>());
        services.AddSingleton<IDailyUsageSource, CounterDailyUsageSource>();
        services.AddSingleton<KeyActivity>();
        services.AddSingleton(sp => new UsageJournal(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.ResolveJournalFolder(
                sp.GetRequiredService<IOptions<DataOptions>>().Value, sp.GetRequiredService<IHostEnvironment>().ContentRootPath),
            sp.GetRequiredService<ILogger<UsageJournal>>()));
        services.AddSingleton<UsageRecorder>();
        services.AddSingleton<LiveUsage>();
        services.AddSingleton<ILiveUsageSource>(sp => sp.GetRequiredService<LiveUsage>());
        services.AddSimulatedModel();
        services.AddRequestLog();
        // After the in-process seams: with Redis:Configuration set, it swaps in the shared ones.
        services.AddRedisSharing();
        // After the database initializer (registered by AddData): the snapshot reads a migrated database.
        services.AddHostedService(sp => sp.GetRequiredService<SnapshotStore>());
        services.AddHostedService<SnapshotResync>();
        services.AddHostedService<ChangeJournalPruner>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageRecorder>());
        services.AddHostedService<TokenizerLoad>();
        services.AddWebhooks();
        return builder;
    }
}
