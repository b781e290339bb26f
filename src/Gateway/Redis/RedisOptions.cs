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
    /// A command that has not answered in this time fails (unless the configuration string sets <c>asyncTimeout</c>):
    /// the client's own 5 s would hold every call that much longer before the outage policy takes over. Far above an
    /// admission's round trip (well under a millisecond on a LAN).
    /// </summary>
    public const int DefaultAsyncTimeoutMilliseconds = 2000;

    /// <summary>
    /// The connection's settings. A host starts, and keeps serving from what it has, while Redis is unreachable; the
    /// client reconnects and subscribes again by itself. A command sent while the connection is down fails at once
    /// (<see cref="BacklogPolicy.FailFast"/>) rather than waiting in a queue for it to come back: the counters' outage
    /// policy (<c>Limits:RedisOutage</c>) answers instead, and the other users of Redis carry on without it.
    /// </summary>
    public ConfigurationOptions ToClientOptions()
    {
        var options = ConfigurationOptions.Parse(Configuration!);
        options.AbortOnConnectFail = false;
        options.ClientName ??= "frontier-gateway";
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (!Configuration!.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.AsyncTimeout = DefaultAsyncTimeoutMilliseconds;
        }
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
