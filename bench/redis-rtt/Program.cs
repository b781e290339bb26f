// The latency floor of the Redis admission store (issue 13): one awaited EVALSHA at a time through
// StackExchange.Redis, as the store sends it, timed call by call. Compare with `redis-benchmark -c 1` (a C client)
// against the same server in the same run, e.g.:
//
//   redis-server --bind 127.0.0.1 --port 18299 --save '' &
//   dotnet run -c Release --project bench/redis-rtt -- 127.0.0.1:18299 20000
//   redis-benchmark -p 18299 -c 1 -n 20000 -t get
//
// Prints p50 / p99 in microseconds for EVALSHA (a two-field script like the store's fast path) and for PING.
using System.Diagnostics;
using StackExchange.Redis;

var endpoint = args.Length > 0 ? args[0] : "127.0.0.1:6379";
var calls = args.Length > 1 ? int.Parse(args[1]) : 20_000;
await using var redis = await ConnectionMultiplexer.ConnectAsync(endpoint);
var db = redis.GetDatabase();
var script = LuaScript.Prepare("redis.call('HINCRBY', KEYS[1], 'sum', 1) return redis.call('HMGET', KEYS[1], 'at', 'sum')");
var loaded = await script.LoadAsync(redis.GetServer(redis.GetEndPoints()[0]));
RedisKey[] keys = ["redis-rtt:{bench}:window"];

await Measure("EVALSHA", () => db.ScriptEvaluateAsync(loaded.Hash, keys));
await Measure("PING", async () => await db.PingAsync());
await db.KeyDeleteAsync(keys[0]);

async Task Measure(string name, Func<Task> call)
{
    for (var i = 0; i < calls / 10; i++)
    {
        await call();
    }
    var micros = new double[calls];
    for (var i = 0; i < calls; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await call();
        micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }
    Array.Sort(micros);
    Console.WriteLine($"{name}: p50 {micros[calls / 2]:F0} µs, p99 {micros[calls * 99 / 100]:F0} µs ({calls} calls, one at a time)");
}
