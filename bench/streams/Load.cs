using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FrontierGateway.Bench.Streams;

/// <summary>
/// Holds N streams open against one target (<see cref="Workers"/>) after a short warm-up on connections of its own,
/// samples the RSS of --pids while all N are open, reads their CPU time before and after, and writes the summary.
/// </summary>
internal static class Load
{
    private const int WarmupChunks = 20;

    public static async Task<int> RunAsync(Arguments settings)
    {
        var url = new Uri(new Uri(settings.Text("url")), "/v1/chat/completions");
        var streams = settings.Number("streams", 100);
        var chunks = settings.Number("chunks", 200);
        var intervalMs = settings.Real("interval-ms", 20);
        var passes = settings.Number("passes", 2);
        var warmup = settings.Number("warmup-streams", 64);
        var ramp = TimeSpan.FromSeconds(settings.Real("ramp-s", 2));
        var warmupTime = TimeSpan.FromSeconds(settings.Real("warmup-s", 0));
        var pids = settings.Text("pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var timeout = TimeSpan.FromSeconds(settings.Real("timeout-s",
            warmupTime.TotalSeconds + ramp.TotalSeconds + 3 * passes * chunks * intervalMs / 1000 + 30));
        var workers = new Workers(url, settings.Text("key", "none"), Body(chunks, settings.Flag("include-usage", false)),
            intervalMs.ToString(CultureInfo.InvariantCulture));
        using var cts = new CancellationTokenSource(timeout);

        var warmedUp = 0;
        if (warmup > 0)
        {
            using var warmClient = Workers.NewClient();
            var warm = new Workers(url, settings.Text("key", "none"), Body(WarmupChunks, false), "5");
            // At least one round; more until --warmup-s have passed: a host started a moment ago runs code the JIT
            // has not yet optimised (tiered compilation), which a host that has served for a while has.
            var warming = Stopwatch.StartNew();
            do
            {
                warmedUp += (await warm.RunAsync(warmClient, warmup, 2, TimeSpan.FromSeconds(0.5), WarmupChunks, null, cts.Token))
                    .Count(r => r is { Error: null });
            }
            while (warming.Elapsed < warmupTime);
            await Task.Delay(TimeSpan.FromSeconds(1), cts.Token);
        }

        using var client = Workers.NewClient();
        var rssIdle = pids.Length > 0 ? ProcStats.RssKb(pids) : 0;
        var cpuBefore = pids.Length > 0 ? ProcStats.CpuSeconds(pids) : 0;
        var machineBefore = ProcStats.Machine();
        var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var steady = new List<long>();
        var results = await workers.RunAsync(client, streams, passes, ramp, chunks,
            pids.Length > 0 ? () => steady.Add(ProcStats.RssKb(pids)) : null, cts.Token);
        wall.Stop();

        var measured = new Measured(streams, passes, chunks, intervalMs, warmedUp, WarmupChunks, wall.Elapsed.TotalSeconds,
            rssIdle, steady, pids.Length > 0 ? ProcStats.CpuSeconds(pids) - cpuBefore : 0, machineBefore, ProcStats.Machine(),
            (Process.GetCurrentProcess().TotalProcessorTime - selfBefore).TotalSeconds, results);
        await File.WriteAllTextAsync(settings.Text("out"), LoadSummary.Json(measured));
        Console.Error.WriteLine(LoadSummary.Line(measured));
        return 0;
    }

    private static byte[] Body(int chunks, bool includeUsage) => Encoding.UTF8.GetBytes(
        $$"""{"model":"bench/stub","messages":[{"role":"user","content":"Tell me a long story."}],"stream":true,"max_tokens":{{chunks}}{{(includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "")}}}""");
}
