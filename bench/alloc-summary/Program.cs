// Where a host's allocations go, per call (bench/ab.sh runs it with ALLOC=1).
//
//   alloc-summary <trace.nettrace> <calls> [top]
//
// The trace holds the runtime's AllocationTick events (dotnet-trace with the GC keyword at verbose level): one about
// every 100 KB a thread allocates, naming the type of the object that crossed the mark, with the managed stack. Each
// event stands for the bytes allocated since the last one, so summing them by type or by method estimates where the
// bytes went; divided by the calls made while the trace ran, bytes a call. Sampled: a part under a few per cent of
// the total is noise.
using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

if (args.Length < 2 || !long.TryParse(args[1], CultureInfo.InvariantCulture, out var calls) || calls <= 0)
{
    Console.Error.WriteLine("usage: alloc-summary <trace.nettrace> <calls> [top]");
    return 2;
}
var top = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, long>();
var byMethod = new Dictionary<string, long>();
var byOwn = new Dictionary<string, long>();
var byPath = new Dictionary<string, long>();
long total = 0;
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData tick)
    {
        continue;
    }
    var bytes = tick.AllocationAmount64;
    total += bytes;
    Add(byType, tick.TypeName ?? "?", bytes);
    var frames = Frames(e.CallStack()).ToList();
    Add(byMethod, frames.FirstOrDefault() ?? "(no managed frame)", bytes);
    // The first frame of the product's own code: what it did that allocated, in it or in a library under it.
    var own = frames.FirstOrDefault(f => f.StartsWith("FrontierGateway", StringComparison.Ordinal)) ?? "(no FrontierGateway frame)";
    Add(byOwn, own, bytes);
    Add(byPath, $"{tick.TypeName}\n      allocated in {Short(frames.FirstOrDefault())}\n      under {Short(frames.Skip(1).FirstOrDefault())}\n      own {Short(own)}", bytes);
}
Console.WriteLine($"allocated ~{total / (double)calls:F0} bytes a call ({total / 1e6:F1} MB sampled over {calls} calls)");
Print("by type", byType);
Print("by allocating method", byMethod);
Print("by the first frame of the gateway's own code", byOwn);
Print("by type, allocating method, its caller and the first frame of the gateway's own code", byPath);
return 0;

void Add(Dictionary<string, long> into, string key, long bytes) =>
    into[key] = into.GetValueOrDefault(key) + bytes;

void Print(string title, Dictionary<string, long> parts)
{
    Console.WriteLine($"\n{title}: bytes a call, share");
    foreach (var (name, bytes) in parts.OrderByDescending(p => p.Value).Take(top))
    {
        Console.WriteLine($"{bytes / (double)calls,9:F0}  {100.0 * bytes / total,5:F1} %  {name}");
    }
}

static string Short(string? method) => method is null ? "-" : method.Split('(')[0];

static IEnumerable<string> Frames(TraceCallStack? stack)
{
    for (; stack is not null; stack = stack.Caller)
    {
        var method = stack.CodeAddress.Method;
        if (method is not null)
        {
            yield return method.FullMethodName;
        }
    }
}
