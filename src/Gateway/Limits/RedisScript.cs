using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// A Lua script called by its SHA1 (EVALSHA), so that a call sends the keys and arguments, not the script. A Redis
/// that does not have it (restarted, flushed, a new cluster node) answers NOSCRIPT: the call is then made with the
/// script's text (EVAL), which also loads it there for the next calls.
/// </summary>
internal sealed class RedisScript(string text)
{
    private readonly byte[] sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync redis, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await redis.ScriptEvaluateAsync(sha1, keys, values);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await redis.ScriptEvaluateAsync(text, keys, values);
        }
    }
}
