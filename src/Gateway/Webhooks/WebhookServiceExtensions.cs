using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Webhooks;

internal static class WebhookServiceExtensions
{
    /// <summary>The billing outbox: batcher, sender and retention, with a client that never follows redirects.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, ValidateWebhookOptions>();
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<WebhookBatcher>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookBacklog>();
        services.AddSingleton<RetentionPruner>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookBatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<WebhookSender>());
        services.AddHostedService(sp => sp.GetRequiredService<RetentionPruner>());
        return services;
    }
}
