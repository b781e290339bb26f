using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Tests.Unit;

/// <summary>
/// A logger provider that keeps every message it is given (what the host's filters let through), and each entry's
/// category and logging scopes (as the host's scope provider holds them when it is logged).
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> messages = new();
    private readonly ConcurrentQueue<LogEntry> entries = new();
    private IExternalScopeProvider? scopes;

    public IReadOnlyCollection<string> Messages => messages;

    public IReadOnlyCollection<LogEntry> Entries => entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <summary>One message, with the name/value pairs of every scope around it.</summary>
    public sealed record LogEntry(string Category, string Message, IReadOnlyList<KeyValuePair<string, object?>> Scopes);

    private sealed class Logger(string category, LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            capture.messages.Enqueue($"{logLevel} {category}: {message}");
            var values = new List<KeyValuePair<string, object?>>();
            capture.scopes?.ForEachScope((scope, list) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
                {
                    list.AddRange(pairs.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)));
                }
            }, values);
            capture.entries.Enqueue(new LogEntry(category, message, values));
        }
    }
}
