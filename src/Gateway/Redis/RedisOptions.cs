using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Redis;

/// <summary>
/// Section <c>Redis</c>: the Redis that several hosts share, for change notifications and live usage. Unset (the
/// default) for one host, which keeps all of it in process.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>The StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or <c>redis:6379,password=...</c>.</summary>
    public string? Configuration { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);

    /// <summary>
    /// The connection's settings. A host starts, and keeps serving from what it has, while Redis is unreachable; the
    /// client reconnects and subscribes again by itself.
    /// </summary>
    public ConfigurationOptions ToClientOptions()
    {
        var options = ConfigurationOptions.Parse(Configuration!);
        options.AbortOnConnectFail = false;
        options.ClientName ??= "frontier-gateway";
        return options;
    }
}

internal sealed class ValidateRedisOptions : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions o)
    {
        if (!o.Enabled)
        {
            return ValidateOptionsResult.Success;
        }
        try
        {
            o.ToClientOptions();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException)
        {
            // The text is not repeated: it may hold a password.
            return ValidateOptionsResult.Fail(
                "Redis:Configuration is not a StackExchange.Redis configuration string (host:port[,option=value...]).");
        }
    }
}
