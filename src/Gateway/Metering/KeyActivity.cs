using System.Collections.Concurrent;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// When each key was last used, kept in memory and written with the usage batches (<see cref="UsageRecorder"/>): no
/// write per request. Each host keeps and writes its own; the database keeps the latest of them.
/// </summary>
internal sealed class KeyActivity
{
    // The time as DateTime.ToBinary: a long is replaced in its node, where a DateTime (not written atomically) costs the
    // dictionary a new node on every call.
    private ConcurrentDictionary<string, long> pending = new(StringComparer.Ordinal);

    public void Touch(string prefix, DateTime now) => pending[prefix] = now.ToBinary();

    public IReadOnlyDictionary<string, DateTime> Take() =>
        Interlocked.Exchange(ref pending, new(StringComparer.Ordinal))
            .ToDictionary(p => p.Key, p => DateTime.FromBinary(p.Value), StringComparer.Ordinal);
}
