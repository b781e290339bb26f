using System.Diagnostics;
using System.Globalization;
using FrontierGateway.Gateway.Metering.Journal;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Journal;

/// <summary>A segment's disk space is taken when it is made, so that a full disk never fails a write into its mapping.</summary>
public sealed class JournalSegmentTests
{
    [Fact]
    public void New_HoldsItsWholeCapacityOnDisk_NotASparseFile()
    {
        var folder = Directory.CreateTempSubdirectory("fgw-segment").FullName;
        try
        {
            const long capacity = 1 << 20;
            using var segment = new JournalSegment(Path.Combine(folder, "1.journal"), capacity);

            Assert.True(AllocatedBytes(segment.Path) >= capacity, $"{AllocatedBytes(segment.Path)} bytes allocated");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The blocks the file system gave the file (<c>stat</c>), not its length.</summary>
    private static long AllocatedBytes(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%b %B", path]) { RedirectStandardOutput = true })!;
        var fields = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        stat.WaitForExit();
        return long.Parse(fields[0], CultureInfo.InvariantCulture) * long.Parse(fields[1], CultureInfo.InvariantCulture);
    }
}
