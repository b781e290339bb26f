using System.Diagnostics;
using System.Globalization;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Leases;

/// <summary>
/// This process among the hosts that share one database: the owner named in the leases it holds, as
/// <c>machine/pid/start/random</c>. The process's start time tells a restarted host from the process it replaced
/// even when the pid is the same (a container's host process is pid 1 every time).
/// </summary>
public sealed class HostId
{
    public string Value { get; } = Describe(Environment.ProcessId, StartTicks(Environment.ProcessId) ?? 0, Ids.Random(8));

    /// <summary>How every lease owner of this machine begins.</summary>
    public static string LocalPrefix => Environment.MachineName + "/";

    /// <summary>Whether <paramref name="owner"/> names a process of this machine that has ended.</summary>
    public static bool IsEndedLocalProcess(string owner)
    {
        var parts = owner.Split('/');
        return owner.StartsWith(LocalPrefix, StringComparison.Ordinal) && parts.Length == 4
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var start)
            && StartTicks(pid) != start;
    }

    private static string Describe(int pid, long start, string random)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{pid}/{start}/{random}");
        return id.Length <= Lease.OwnerLength ? id : id[^Lease.OwnerLength..];
    }

    /// <summary>When the process started, or null when there is no such process.</summary>
    private static long? StartTicks(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
