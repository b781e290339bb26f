using FrontierGateway.Gateway.Limits;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Redis;

/// <summary><c>Limits:Store</c> names a store, and the Redis store has a Redis to use.</summary>
internal sealed class ValidateLimitsOptions(IOptions<RedisOptions> redis) : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options) => options.ParsedStore switch
    {
        null => ValidateOptionsResult.Fail(
            $"Limits:Store must be {string.Join(" or ", Enum.GetNames<CounterStoreKind>())}, not \"{options.Store}\"."),
        CounterStoreKind.Redis when !redis.Value.Enabled => ValidateOptionsResult.Fail(
            "Redis:Configuration is required when Limits:Store is Redis."),
        _ => ValidateOptionsResult.Success,
    };
}
