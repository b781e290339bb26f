using System.Diagnostics;

namespace FrontierGateway.Tests.Unit.Infrastructure;

/// <summary>
/// A real file system of a few megabytes (a tmpfs mounted for the test; the tests run as root, as <c>.ci/run</c> does),
/// to fill up: what a full disk does to a writer is seen, not simulated. Unmounted and removed at the end.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    public SmallDisk(long bytes)
    {
        Folder = Path.Combine(Path.GetTempPath(), "fgw-disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", Folder);
    }

    public string Folder { get; }

    private string FillerPath => Path.Combine(Folder, "filler");

    /// <summary>Takes every free byte with a file of its own; answers how many it took.</summary>
    public long Fill()
    {
        using var filler = new FileStream(FillerPath, FileMode.Append, FileAccess.Write);
        var block = new byte[4096];
        var before = filler.Length;
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // Full.
        }
        return new FileInfo(FillerPath).Length - before;
    }

    /// <summary>Gives back what <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(FillerPath);

    public void Dispose()
    {
        Run("umount", Folder);
        Directory.Delete(Folder);
    }

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
