using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// A Lua script called by its SHA1 (EVALSHA), so that a call sends the keys and arguments, not the script. A Redis
/// that does not have it (restarted, flushed, a new cluster node) answers NOSCRIPT: the call is then made with the
/// script's text (EVAL), which also loads it there for the next calls.
/// </summary>
/// <remarks>
/// <see cref="SendAsync"/> sends a call without waiting for its answer. Redis runs the commands of one connection in
/// the order they were sent, so whatever this host sends next runs after it; but a NOSCRIPT answer goes unseen, so a
/// caller sends that way only a script the server has answered by its SHA since it last lost its scripts.
/// </remarks>
internal sealed class RedisScript(string text)
{
    private readonly byte[] sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));

    /// <param name="reloaded">Called when the server did not have the script: it lost its scripts (restarted, flushed).</param>
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync redis, RedisKey[] keys, RedisValue[] values,
        Action? reloaded = null)
    {
        try
        {
            return await redis.ScriptEvaluateAsync(sha1, keys, values);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            reloaded?.Invoke();
            return await redis.ScriptEvaluateAsync(text, keys, values);
        }
    }

    /// <summary>Sends a call by the script's SHA1 without waiting for its answer (fails only when it cannot be sent).</summary>
    public Task SendAsync(IDatabaseAsync redis, RedisKey[] keys, RedisValue[] values) =>
        redis.ScriptEvaluateAsync(sha1, keys, values, CommandFlags.FireAndForget);
}
