using System.Diagnostics;
using System.Globalization;
using FrontierGateway.Gateway.Metering.Journal;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Journal;

/// <summary>
/// The journal on a real disk that fills up. Its lines are copied into memory-mapped files: a page written for the
/// first time on a full disk would kill the process (SIGBUS), so a segment's space is taken when it is made, and a
/// full disk is met there, where it can be handled.
/// </summary>
public sealed class JournalFullDiskTests : IDisposable
{
    private readonly SmallDisk disk = new(1 << 20);

    private string Folder => Path.Combine(disk.Folder, "journal");

    private UsageJournal Journal() => new(Folder, NullLogger<UsageJournal>.Instance)
    {
        SegmentBytes = 64 * 1024, SealBytes = 16 * 1024, RetryAfter = TimeSpan.Zero,
    };

    [Fact]
    public void NewSegment_HoldsItsWholeCapacityOnDisk_NotASparseFile()
    {
        Directory.CreateDirectory(Folder);
        const long capacity = 256 * 1024;

        using var segment = new JournalSegment(Path.Combine(Folder, "1.journal"), capacity);

        Assert.True(AllocatedBytes(segment.Path) >= capacity, $"{AllocatedBytes(segment.Path)} bytes allocated");
    }

    [Fact]
    public void NewSegment_DiskFull_FailsAsAnIOException_AndLeavesNoFile()
    {
        Directory.CreateDirectory(Folder);
        disk.Fill();

        Assert.ThrowsAny<IOException>(() => new JournalSegment(Path.Combine(Folder, "1.journal"), 64 * 1024));

        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public void DiskFull_LinesGoOnPastTheSeal_ThenAreSkipped_AndNoWriteKillsTheProcess()
    {
        using var sut = Journal();
        sut.Open();
        disk.Fill();

        var admitted = new List<string>();
        var calls = 0;
        while (sut.SkippedLines < 10 && calls < 10_000)
        {
            var key = $"01{calls++:D8}";
            var usage = UsageJournalTests.Event(key);
            if (sut.Admit(usage) is { } segment)
            {
                admitted.Add(key);
                sut.Complete(usage, segment);
            }
        }

        Assert.True(sut.Failing);
        Assert.True(sut.SkippedLines >= 10);
        var file = Assert.Single(Directory.GetFiles(Folder, "*.journal"));
        var records = JournalRecord.ReadAll(File.ReadAllBytes(file)).ToList();
        // Every line given room was written whole, well past the seal size, into the one segment there was.
        Assert.Equal(admitted, records.Where(r => r.Kind == JournalKind.Admitted).Select(r => r.Event.IdempotencyKey));
        Assert.True(records.Sum(r => r.Encode().Length) > 2 * 16 * 1024);
    }

    [Fact]
    public void DiskFull_ThenFreed_TheNextLineStartsASegmentAgain()
    {
        using var sut = Journal();
        sut.Open();
        disk.Fill();
        var calls = 0;
        while (sut.Admit(UsageJournalTests.Event($"01{calls++:D8}")) is not null)
        {
        }
        Assert.True(sut.Failing);

        disk.Free();
        var segment = sut.Admit(UsageJournalTests.Event("01AGAIN"));

        Assert.NotNull(segment);
        Assert.False(sut.Failing);
        Assert.Equal(2, Directory.GetFiles(Folder, "*.journal").Length);
        Assert.Equal("01AGAIN", JournalRecord.ReadAll(File.ReadAllBytes(segment.Path)).Single().Event.IdempotencyKey);
    }

    [Fact]
    public void DiskFullAtOpen_TheJournalOpens_SkipsLines_AndStartsWhenFreed()
    {
        Directory.CreateDirectory(Folder);
        disk.Fill();
        using var sut = Journal();

        Assert.Empty(sut.Open());
        var unjournaled = sut.Admit(UsageJournalTests.Event("01A"));
        disk.Free();
        var journaled = sut.Admit(UsageJournalTests.Event("01B"));
        // A call whose admission found no room has no line at all: no segment holds one of its lines.
        Assert.Null(sut.Complete(UsageJournalTests.Event("01A"), unjournaled));
        sut.Release(unjournaled);

        Assert.Null(unjournaled);
        Assert.Equal(1, sut.SkippedLines);
        Assert.NotNull(journaled);
        Assert.Equal("01B", JournalRecord.ReadAll(File.ReadAllBytes(journaled.Path)).Single().Event.IdempotencyKey);
    }

    /// <summary>The blocks the file system gave the file (<c>stat</c>), not its length.</summary>
    private static long AllocatedBytes(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%b %B", path]) { RedirectStandardOutput = true })!;
        var fields = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        stat.WaitForExit();
        return long.Parse(fields[0], CultureInfo.InvariantCulture) * long.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    public void Dispose() => disk.Dispose();
}
