using FrontierGateway.Gateway.Metering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Simulated;

internal static class SimulatedServiceExtensions
{
    /// <summary>The built-in model, its <c>Simulated</c> options and the token counter it meters with.</summary>
    public static IServiceCollection AddSimulatedModel(this IServiceCollection services)
    {
        services.AddOptions<SimulatedOptions>().BindConfiguration(SimulatedOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatedOptions>, ValidateSimulatedOptions>());
        services.TryAddSingleton<TokenCounter>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SimulatedModel>();
        return services;
    }
}
