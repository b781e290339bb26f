using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Redis;

/// <summary>
/// Runs the hosted service <typeparamref name="T"/> (a singleton) with the host only when Redis is configured:
/// decided at start, when every setting is bound.
/// </summary>
internal sealed class WhenRedis<T>(IServiceProvider services, IOptions<RedisOptions> options) : IHostedService
    where T : class, IHostedService
{
    private IHostedService? running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Task.CompletedTask;
        }
        running = services.GetRequiredService<T>();
        return running.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => running?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
