using FrontierGateway.Gateway.Limits;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Redis;

/// <summary>
/// <c>Limits:Store</c> names a store, the Redis store has a Redis to use, <c>Limits:RedisOutage</c> names a policy,
/// and the reservations' default and lifetime are in range.
/// </summary>
internal sealed class ValidateLimitsOptions(IOptions<RedisOptions> redis) : IValidateOptions<LimitsOptions>
{
    /// <summary>A million tokens: more than any model writes in one answer.</summary>
    public const long MaxReservedOutputTokens = 1_000_000;

    public ValidateOptionsResult Validate(string? name, LimitsOptions options) => options switch
    {
        { ParsedStore: null } => ValidateOptionsResult.Fail(
            $"Limits:Store must be {string.Join(" or ", Enum.GetNames<CounterStoreKind>())}, not \"{options.Store}\"."),
        { ParsedStore: CounterStoreKind.Redis } when !redis.Value.Enabled => ValidateOptionsResult.Fail(
            "Redis:Configuration is required when Limits:Store is Redis."),
        _ when options.DefaultReservedOutputTokens is < 1 or > MaxReservedOutputTokens => ValidateOptionsResult.Fail(
            $"Limits:DefaultReservedOutputTokens must be between 1 and {MaxReservedOutputTokens}."),
        _ when options.ReservationTtlSeconds is < 60 or > 86_400 => ValidateOptionsResult.Fail(
            "Limits:ReservationTtlSeconds must be between 60 (a minute) and 86400 (a day)."),
        { ParsedRedisOutage: null } => ValidateOptionsResult.Fail(
            $"Limits:RedisOutage must be {string.Join(", ", Enum.GetNames<RedisOutagePolicy>())}, not \"{options.RedisOutage}\"."),
        _ => ValidateOptionsResult.Success,
    };
}
