using System.Collections.Concurrent;

namespace FrontierGateway.Gateway.Metering;

/// <summary>When each key was last used, kept in memory and written now and then: no write per request.</summary>
internal sealed class KeyActivity
{
    private ConcurrentDictionary<string, DateTime> pending = new(StringComparer.Ordinal);

    public void Touch(string prefix, DateTime now) => pending[prefix] = now;

    public IReadOnlyDictionary<string, DateTime> Take() => Interlocked.Exchange(ref pending, new(StringComparer.Ordinal));
}
