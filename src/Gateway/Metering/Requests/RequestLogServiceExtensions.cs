using FrontierGateway.Data.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering.Requests;

internal static class RequestLogServiceExtensions
{
    /// <summary>The request log: its queue, the batch writer and the hourly pruner.</summary>
    public static IServiceCollection AddRequestLog(this IServiceCollection services)
    {
        services.AddOptions<RequestLogOptions>().BindConfiguration(RequestLogOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RequestLogOptions>, ValidateRequestLogOptions>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<IRequestLogStats>(sp => sp.GetRequiredService<RequestLog>());
        services.AddSingleton<RequestLogWriter>();
        services.AddSingleton<RequestLogPruner>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogPruner>());
        return services;
    }
}
