using FrontierGateway.Data;
using FrontierGateway.Gateway.Management;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway;

public static class GatewayServiceExtensions
{
    /// <summary>The management API and (later) the data plane.</summary>
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ManagementOptions>, ValidateManagementOptions>();
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.AddSingleton<IDataSeeder, DevelopmentSeeder>();
        return builder;
    }
}
