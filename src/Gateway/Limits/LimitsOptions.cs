namespace FrontierGateway.Gateway.Limits;

/// <summary>Where the limits' counters live (<c>Limits:Store</c>).</summary>
public enum CounterStoreKind
{
    /// <summary>In this process: exact for one host. The default.</summary>
    Memory,

    /// <summary>In the Redis of <c>Redis:Configuration</c>, shared by every host: exact across hosts.</summary>
    Redis,
}

/// <summary>What a host does with calls while the shared store (Redis) cannot be reached (<c>Limits:RedisOutage</c>).</summary>
public enum RedisOutagePolicy
{
    /// <summary>Refuses every call with a 503 naming the cause: no call passes a limit unchecked.</summary>
    FailClosed,

    /// <summary>Admits every call, unchecked; still metered and counted once Redis is back.</summary>
    FailOpen,

    /// <summary>Each host admits from its own counters at most each limit divided by the hosts last seen alive. The default.</summary>
    Degraded,
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
    /// Seconds after which a reservation that was never settled (its host died mid-call, or before it wrote the call's
    /// settlement) stops being a reservation: on a DAY limit it then counts as used, on a SECOND or MINUTE window it has
    /// left anyway. Longer than any call should last (a call still running then counts its reservation and its tokens).
    /// Default 900 (15 minutes).
    /// </summary>
    public int ReservationTtlSeconds { get; set; } = 900;

    public TimeSpan ReservationTtl => TimeSpan.FromSeconds(ReservationTtlSeconds);

    /// <summary><c>FailClosed</c>, <c>FailOpen</c> or <c>Degraded</c> (default); only read with the Redis store.</summary>
    public string RedisOutage { get; set; } = nameof(RedisOutagePolicy.Degraded);

    /// <summary>The policy named by <see cref="RedisOutage"/> in any case, Degraded when blank, null when it names none.</summary>
    public RedisOutagePolicy? ParsedRedisOutage => Parse<RedisOutagePolicy>(RedisOutage, RedisOutagePolicy.Degraded);

    /// <summary>The store named by <see cref="Store"/> in any case, Memory when blank, null when it names none.</summary>
    public CounterStoreKind? ParsedStore => Parse<CounterStoreKind>(Store, CounterStoreKind.Memory);

    private static T? Parse<T>(string? text, T blank) where T : struct, Enum => string.IsNullOrWhiteSpace(text)
        ? blank
        : Enum.GetValues<T>().Select(v => (T?)v)
            .FirstOrDefault(v => string.Equals(v.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase));
}
