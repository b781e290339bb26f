// The Redis admission store alone: Redis's CPU and the client's per call, with no host and no HTTP in the way, so
// that a change to the scripts or to the store's client side can be weighed in a minute (issue 13):
//
//   redis-server --bind 127.0.0.1 --port 18299 --save '' --appendonly no &
//   dotnet run -c Release --project bench/redis-admission -- 127.0.0.1:18299 [concurrency=64] [seconds=10]
//
// Each of `concurrency` loops admits a call of the bench tenant's policy (bench/lib.sh: REQUEST/SECOND, TOKEN/MINUTE,
// TOKEN/DAY on one group), reserving 1,032 tokens, then settles it to 20, as the gateway's hosts do. Prints calls/s,
// this process's and redis-server's CPU per call (/proc; redis-server must run on this machine), and INFO commandstats
// per call. Then one loop alone for latency: p50 / p99 of admission (the awaited part of a call).
using System.Diagnostics;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

var endpoint = args.Length > 0 ? args[0] : "127.0.0.1:6379";
var concurrency = args.Length > 1 ? int.Parse(args[1]) : 64;
var seconds = args.Length > 2 ? double.Parse(args[2]) : 10;
await using var redis = await ConnectionMultiplexer.ConnectAsync($"{endpoint},allowAdmin=true");
var server = redis.GetServer(redis.GetEndPoints()[0]);
var redisPid = long.Parse((await server.InfoAsync("server")).SelectMany(g => g).First(p => p.Key == "process_id").Value);

const string group = "bench-group";
const string slug = "bench/stub";
LimitRule Rule(LimitType type, LimitUnit unit, long threshold) =>
    new(type, unit, threshold, group, new CounterKey(group, slug, type, unit));
var policy = new SlugPolicy(slug, [Rule(LimitType.Request, LimitUnit.Second, 1_000_000_000),
    Rule(LimitType.Token, LimitUnit.Minute, 1_000_000_000_000), Rule(LimitType.Token, LimitUnit.Day, 1_000_000_000_000)],
    [group], group);
var roots = new OneRoot(group);
var sut = new RedisCounterStore(redis, new RedisDailyTotals(redis, roots, NullLogger<RedisDailyTotals>.Instance), roots,
    Options.Create(new LimitsOptions()), NullLogger<RedisCounterStore>.Instance);

async Task<long> Loop(TimeSpan length, List<double>? latencies)
{
    var end = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
    long calls = 0;
    while (Stopwatch.GetTimestamp() < end)
    {
        var start = Stopwatch.GetTimestamp();
        var admission = await sut.TryAdmitAsync(policy, "benchkey", 1032, DateTime.UtcNow);
        latencies?.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        if (!admission.Admitted)
        {
            throw new InvalidOperationException("refused: the bench's limits are meant never to refuse");
        }
        await sut.SettleAsync(policy, admission.Reservation, 20, DateTime.UtcNow);
        calls++;
    }
    return calls;
}

await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Loop(TimeSpan.FromSeconds(2), null)));
await server.ExecuteAsync("CONFIG", "RESETSTAT");
var (ownBefore, redisBefore, wall) = (Process.GetCurrentProcess().TotalProcessorTime, RedisCpu(), Stopwatch.StartNew());
var total = (await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Loop(TimeSpan.FromSeconds(seconds), null)))).Sum();
var own = Process.GetCurrentProcess().TotalProcessorTime - ownBefore;
var redisCpu = RedisCpu() - redisBefore;
Console.WriteLine($"c={concurrency}: {total / wall.Elapsed.TotalSeconds:F0} calls/s, client CPU {own.TotalMicroseconds / total:F1} µs/call, " +
    $"redis-server CPU {redisCpu.TotalMicroseconds / total:F1} µs/call ({total} calls)");
foreach (var line in (await server.InfoAsync("commandstats")).SelectMany(g => g))
{
    var fields = line.Value.Split(',').Select(f => f.Split('=')).ToDictionary(f => f[0], f => double.Parse(f[1]));
    if (fields["calls"] >= total / 100.0)
    {
        Console.WriteLine($"  {line.Key[8..],-10} {fields["calls"] / total,6:F2} per call  {fields["usec"] / total,7:F2} µs per call  {fields["usec_per_call"],6:F2} µs each");
    }
}

var latencies = new List<double>();
await Loop(TimeSpan.FromSeconds(Math.Min(seconds, 5)), latencies);
latencies.Sort();
Console.WriteLine($"c=1: admission p50 {latencies[latencies.Count / 2]:F0} µs, p99 {latencies[latencies.Count * 99 / 100]:F0} µs ({latencies.Count} calls)");

TimeSpan RedisCpu()
{
    var stat = File.ReadAllText($"/proc/{redisPid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0);
}

internal sealed class OneRoot(string root) : IGroupRoots
{
    public string? RootOf(string groupId) => root;
}
