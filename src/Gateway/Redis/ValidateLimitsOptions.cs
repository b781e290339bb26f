using FrontierGateway.Gateway.Limits;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Redis;

/// <summary><c>Limits:Store</c> names a store, the Redis store has a Redis to use, and <c>Limits:RedisOutage</c> names a policy.</summary>
internal sealed class ValidateLimitsOptions(IOptions<RedisOptions> redis) : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options) => options switch
    {
        { ParsedStore: null } => ValidateOptionsResult.Fail(
            $"Limits:Store must be {string.Join(" or ", Enum.GetNames<CounterStoreKind>())}, not \"{options.Store}\"."),
        { ParsedStore: CounterStoreKind.Redis } when !redis.Value.Enabled => ValidateOptionsResult.Fail(
            "Redis:Configuration is required when Limits:Store is Redis."),
        { ParsedRedisOutage: null } => ValidateOptionsResult.Fail(
            $"Limits:RedisOutage must be {string.Join(", ", Enum.GetNames<RedisOutagePolicy>())}, not \"{options.RedisOutage}\"."),
        _ => ValidateOptionsResult.Success,
    };
}
