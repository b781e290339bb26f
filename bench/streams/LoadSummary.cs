using System.Diagnostics;
using System.Text.Json;

namespace FrontierGateway.Bench.Streams;

/// <summary>The raw facts of one load run.</summary>
internal sealed record Measured(int Streams, int Passes, int Chunks, double IntervalMs, int WarmupCompleted,
    int WarmupChunks, double WallSeconds,
    long RssIdleKb, List<long> RssSteadyKb, double CpuSeconds, (long Busy, long Total) MachineBefore,
    (long Busy, long Total) MachineAfter, double LoadCpuSeconds, StreamResult?[] Results);

/// <summary>One load run's summary: percentiles in milliseconds, counts, memory and CPU, as JSON.</summary>
internal static class LoadSummary
{
    public static string Json(Measured m)
    {
        var done = m.Results.Where(r => r is { Error: null }).Select(r => r!).ToList();
        var errors = m.Results.Where(r => r is { Error: not null }).Select(r => r!.Error!).ToList();
        var ttfbCold = done.Where(r => r.Cold).Select(r => Ms(r.FirstByte - r.Started)).ToArray();
        var ttfbWarm = done.Where(r => !r.Cold).Select(r => Ms(r.FirstByte - r.Started)).ToArray();
        // How much later than the stub's interval each event came after the one before it.
        var gaps = done.SelectMany(r => Enumerable.Range(1, r.ContentEvents - 1)
            .Select(i => Ms(r.Arrivals[i] - r.Arrivals[i - 1]) - m.IntervalMs)).ToArray();
        // A stream-second is one second of a stream as the stub paces it (chunks x interval), so that a target that
        // stretches its streams does not look cheaper per second for it.
        var streamSeconds = done.Count * m.Chunks * m.IntervalMs / 1000;
        var steady = m.RssSteadyKb.Order().ToList();
        var summary = new Dictionary<string, object?>
        {
            ["streams"] = m.Streams,
            ["passes"] = m.Passes,
            ["chunks"] = m.Chunks,
            ["interval_ms"] = m.IntervalMs,
            ["warmup_completed"] = m.WarmupCompleted,
            ["warmup_chunks"] = m.WarmupChunks,
            ["sent"] = m.Streams * m.Passes,
            ["completed"] = done.Count,
            ["failed"] = m.Streams * m.Passes - done.Count,
            ["errors"] = errors.GroupBy(e => e).Select(g => $"{g.Count()} x {g.Key}").Take(5).ToList(),
            ["content_events"] = done.Sum(r => (long)r.ContentEvents),
            ["usage_prompt_tokens"] = done.Sum(r => r.PromptTokens ?? 0),
            ["usage_completion_tokens"] = done.Sum(r => r.CompletionTokens ?? 0),
            ["ttfb_cold_ms"] = Percentiles(ttfbCold),
            ["ttfb_warm_ms"] = Percentiles(ttfbWarm),
            ["gap_excess_ms"] = Percentiles(gaps),
            ["stream_seconds"] = streamSeconds,
            ["stream_seconds_measured"] = done.Sum(r => Ms(r.Ended - r.Started)) / 1000,
            ["wall_seconds"] = m.WallSeconds,
            ["cpu_seconds"] = m.CpuSeconds,
            ["cpu_ms_per_stream_second"] = streamSeconds > 0 ? 1000 * m.CpuSeconds / streamSeconds : null,
            ["rss_idle_kb"] = m.RssIdleKb,
            ["rss_steady_kb"] = steady.Count > 0 ? steady[steady.Count / 2] : null,
            ["rss_steady_samples"] = steady.Count,
            ["rss_kb_per_stream"] = steady.Count > 0 ? (steady[steady.Count / 2] - m.RssIdleKb) / (double)m.Streams : null,
            ["machine_busy_pct"] = 100.0 * (m.MachineAfter.Busy - m.MachineBefore.Busy)
                / Math.Max(1, m.MachineAfter.Total - m.MachineBefore.Total),
            ["load_cpu_seconds"] = m.LoadCpuSeconds,
        };
        return JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
    }

    public static string Line(Measured m)
    {
        using var document = JsonDocument.Parse(Json(m));
        var r = document.RootElement;
        string P(string name, string p) => r.GetProperty(name).TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble().ToString("0.00") : "-";
        return $"{r.GetProperty("completed")}/{r.GetProperty("sent")} streams; TTFB warm p50 {P("ttfb_warm_ms", "p50")} "
            + $"p99 {P("ttfb_warm_ms", "p99")} ms, cold p99 {P("ttfb_cold_ms", "p99")} ms; gap excess p50 "
            + $"{P("gap_excess_ms", "p50")} p99 {P("gap_excess_ms", "p99")} ms; machine {r.GetProperty("machine_busy_pct").GetDouble():0}% busy";
    }

    private static Dictionary<string, double> Percentiles(double[] values)
    {
        if (values.Length == 0)
        {
            return [];
        }
        Array.Sort(values);
        double At(double q) => values[Math.Min(values.Length - 1, (int)(q * values.Length))];
        return new() { ["p50"] = At(0.50), ["p90"] = At(0.90), ["p99"] = At(0.99), ["p999"] = At(0.999), ["max"] = values[^1], ["n"] = values.Length };
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
