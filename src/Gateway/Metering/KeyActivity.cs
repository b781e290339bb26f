using System.Collections.Concurrent;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// When each key was last used, kept in memory and written with the usage batches (<see cref="UsageRecorder"/>): no
/// write per request. Each host keeps and writes its own; the database keeps the latest of them.
/// </summary>
internal sealed class KeyActivity
{
    private ConcurrentDictionary<string, DateTime> pending = new(StringComparer.Ordinal);

    public void Touch(string prefix, DateTime now) => pending[prefix] = now;

    public IReadOnlyDictionary<string, DateTime> Take() => Interlocked.Exchange(ref pending, new(StringComparer.Ordinal));
}
