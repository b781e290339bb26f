using StackExchange.Redis;

namespace FrontierGateway.Gateway.Redis;

/// <summary>Which failures of a Redis call mean that Redis cannot be used now, as against a bug in what was sent.</summary>
internal static class RedisFailure
{
    /// <summary>
    /// Replies of a server that is up but cannot serve: loading its data after a restart, a replica cut off from its
    /// primary or promoted mid-call, a cluster slot moving or down, a script running too long.
    /// </summary>
    private static readonly string[] Unavailable = ["LOADING", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "BUSY"];

    /// <summary>
    /// True for a lost or refused connection, a timeout, and a server that cannot serve; false for everything else,
    /// e.g. a script's error, which is a bug to surface, not an outage to ride out.
    /// </summary>
    public static bool IsOutage(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => Unavailable.Any(reply => server.Message.StartsWith(reply, StringComparison.Ordinal)),
        _ => false,
    };
}
