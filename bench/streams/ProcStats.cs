namespace FrontierGateway.Bench.Streams;

/// <summary>Memory and CPU of the processes under test, and of the whole machine, from /proc.</summary>
internal static class ProcStats
{
    /// <summary>The summed VmRSS of the processes, in KB.</summary>
    public static long RssKb(IReadOnlyList<int> pids) => pids.Sum(pid =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).FirstOrDefault());

    /// <summary>The summed user + system time of the processes, in seconds.</summary>
    public static double CpuSeconds(IReadOnlyList<int> pids) => pids.Sum(pid =>
    {
        // The fields after the command name, which may hold spaces: utime and stime are the 14th and 15th fields.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / (double)ClockTicks;
    });

    /// <summary>(busy, total) clock ticks of all the machine's CPUs since boot.</summary>
    public static (long Busy, long Total) Machine()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(long.Parse).ToArray();
        // user nice system idle iowait irq softirq steal
        var idle = f[3] + f[4];
        var total = f.Take(8).Sum();
        return (total - idle, total);
    }

    // USER_HZ is 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
    private const int ClockTicks = 100;
}
