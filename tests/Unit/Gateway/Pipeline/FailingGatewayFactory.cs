using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Tests.Unit.Gateway.Pipeline;

/// <summary>
/// The host in a chosen environment, where a request with <see cref="FailHeader"/> fails unexpectedly as soon as
/// the gateway reads its body, and whose error-level logs are kept.
/// </summary>
public sealed class FailingGatewayFactory : GatewayFactory
{
    public const string FailHeader = "x-test-fail";

    public string Environment { get; init; } = "Development";

    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(Environment);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(new Collector(Logs));
            services.AddSingleton<IStartupFilter, FailingBodies>();
        });
    }

    private sealed class FailingBodies : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                if (context.Request.Headers.ContainsKey(FailHeader))
                {
                    context.Request.Body = new FailingStream();
                }
                return then(context);
            });
            next(app);
        };
    }

    private sealed class FailingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("Injected failure.");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Injected failure.");
    }

    private sealed class Collector(ConcurrentQueue<(LogLevel, string, Exception?)> logs) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs.Enqueue((logLevel, formatter(state, exception), exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
