namespace FrontierGateway.Gateway.Limits;

/// <summary>Where the limits' counters live (<c>Limits:Store</c>).</summary>
public enum CounterStoreKind
{
    /// <summary>In this process: exact for one host. The default.</summary>
    Memory,

    /// <summary>In the Redis of <c>Redis:Configuration</c>, shared by every host: exact across hosts.</summary>
    Redis,
}

/// <summary>Section <c>Limits</c>.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary><c>Memory</c> (default) or <c>Redis</c>; a string so that a wrong name gets an error naming the setting.</summary>
    public string Store { get; set; } = nameof(CounterStoreKind.Memory);

    /// <summary>
    /// The output a call is assumed to reach when it sets neither <c>max_tokens</c> nor <c>max_completion_tokens</c>:
    /// what admission reserves for it, beyond its prompt, against every TOKEN limit. Default 1024.
    /// </summary>
    public long DefaultReservedOutputTokens { get; set; } = 1024;

    /// <summary>
    /// Seconds after which a reservation that was never settled (its host died mid-call) stops counting against the
    /// limits. Longer than any call should last. Default 900 (15 minutes).
    /// </summary>
    public int ReservationTtlSeconds { get; set; } = 900;

    public TimeSpan ReservationTtl => TimeSpan.FromSeconds(ReservationTtlSeconds);

    /// <summary>The store named by <see cref="Store"/> in any case, Memory when blank, null when it names none.</summary>
    public CounterStoreKind? ParsedStore => string.IsNullOrWhiteSpace(Store)
        ? CounterStoreKind.Memory
        : Enum.GetValues<CounterStoreKind>().Select(s => (CounterStoreKind?)s)
            .FirstOrDefault(s => string.Equals(s.ToString(), Store.Trim(), StringComparison.OrdinalIgnoreCase));
}
