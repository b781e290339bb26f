using System.Text;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Metering.Journal;
using Microsoft.Extensions.Logging.Abstractions;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Journal;

/// <summary>The journal's files: what a killed process leaves, and what a finished call lets go.</summary>
public sealed class UsageJournalTests : IDisposable
{
    private readonly string folder = GatewayFactory.NewFolder();

    internal static UsageEvent Event(string key, long input = 7, string group = "grp_a") => new()
    {
        IdempotencyKey = key,
        Timestamp = new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc).AddTicks(123),
        RequestId = "req_" + key,
        RequestMetadata = """{"order":"é\n\"1\""}""",
        ModelSlug = "org/m",
        GroupId = group,
        ExternalEntityId = "ext-" + group,
        ApiKeyPrefix = "prefix0000000000",
        InputTokens = input,
        OutputTokens = 3,
        CachedInputTokens = 1,
        Estimated = true,
    };

    private UsageJournal Journal(long segmentBytes = 32 << 20, long sealBytes = 4 << 20) =>
        new(folder, NullLogger<UsageJournal>.Instance) { SegmentBytes = segmentBytes, SealBytes = sealBytes };

    private List<JournalRecord> ReadFolder() =>
        [.. Directory.GetFiles(folder, "*.journal").Order().SelectMany(f => JournalRecord.ReadAll(File.ReadAllBytes(f)))];

    [Fact]
    public void Admit_Complete_Void_LeaveWholeLines_ThatReadBackExactly()
    {
        var sut = Journal();
        Assert.Empty(sut.Open());
        var first = Event("01A");
        var second = Event("01B");

        var firstIn = sut.Admit(first);
        var secondIn = sut.Admit(second);
        first.OutputTokens = 40;
        sut.Complete(first, firstIn);
        sut.Void(secondIn, second);

        var records = ReadFolder();
        Assert.Equal([(JournalKind.Admitted, "01A"), (JournalKind.Admitted, "01B"), (JournalKind.Completed, "01A"), (JournalKind.Voided, "01B")],
            records.Select(r => (r.Kind, r.Event.IdempotencyKey)));
        var completed = records[2].Event;
        Assert.Equivalent(first, completed, strict: true);
        Assert.Equal(DateTimeKind.Utc, completed.Timestamp.Kind);
    }

    [Fact]
    public void ReadAll_ZeroGapsAndDamagedLines_SkipsThemAndKeepsTheRest()
    {
        var line = new JournalRecord(JournalKind.Completed, Event("01OK")).Encode().ToArray();
        var bytes = new byte[][]
        {
            Encoding.UTF8.GetBytes("{\"k\":\"C\",\"id\":\"01TORN\""), [(byte)'\n'],
            new byte[40], // reserved by a writer the kill stopped
            line,
            Encoding.UTF8.GetBytes("not json\n"),
            line[..^10],
        }.SelectMany(b => b).ToArray();

        var records = JournalRecord.ReadAll(bytes).ToList();

        Assert.Equal("01OK", Assert.Single(records).Event.IdempotencyKey);
    }

    [Fact]
    public void Release_OfEveryCallInASealedSegment_DeletesIt_OldestFirst()
    {
        var sut = Journal(segmentBytes: 1, sealBytes: long.MaxValue); // every admission starts a segment of its own
        sut.Open();
        var a = sut.Admit(Event("01A"))!;
        var b = sut.Admit(Event("01B"))!;
        var c = sut.Admit(Event("01C"))!; // seals b's segment
        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());

        sut.Release(b);
        // b's segment waits for the older one: a replay must see a's admission next to any later line about it.
        Assert.True(File.Exists(b.Path));
        sut.Release(a);

        Assert.False(File.Exists(a.Path));
        Assert.False(File.Exists(b.Path));
        Assert.True(File.Exists(c.Path));
    }

    [Fact]
    public void Release_CurrentSegmentPastSealSize_StartsANewOne_AndTheOldLeavesTheJournal()
    {
        var sut = Journal(sealBytes: 100);
        sut.Open();
        var a = sut.Admit(Event("01A"))!;
        var first = a.Path;
        sut.Complete(Event("01A"), a);

        sut.Release(a);

        Assert.False(File.Exists(first));
        Assert.DoesNotContain(first, Directory.GetFiles(folder, "*.journal"));
        Assert.DoesNotContain(ReadFolder(), r => r.Kind == JournalKind.Admitted);
    }

    [Fact]
    public void Release_RecyclesTheSegmentItLetGo_ZeroedAsTheNextOne()
    {
        var sut = Journal(sealBytes: 100);
        sut.Open();
        var a = sut.Admit(Event("01A"))!;
        sut.Complete(Event("01A"), a); // a's line sealed its segment: this one starts the next
        sut.Release(a); // a's segment goes out of the journal, zeroed, as the spare
        var spare = Assert.Single(Directory.GetFiles(folder, "*.spare"));
        Assert.Equal(spare, a.Path);

        var b = sut.Admit(Event("01B"))!; // the current segment is sealed too: b starts the next, the spare

        Assert.Same(a, b);
        Assert.Empty(Directory.GetFiles(folder, "*.spare"));
        Assert.False(File.Exists(spare));
        Assert.EndsWith(".journal", b.Path);
        Assert.Equal([(JournalKind.Admitted, "01B")],
            JournalRecord.ReadAll(File.ReadAllBytes(b.Path)).Select(r => (r.Kind, r.Event.IdempotencyKey)));
        sut.Dispose();
        Assert.Empty(Directory.GetFiles(folder, "*.spare"));
    }

    [Fact]
    public void Open_AfterAKill_AnswersTheLeftSegments_AndNewLinesGoToANewOne()
    {
        var killedFolder = GatewayFactory.NewFolder();
        using (var killed = new UsageJournal(killedFolder, NullLogger<UsageJournal>.Instance))
        {
            killed.Open();
            killed.Admit(Event("01A"));
            // What a killed process leaves: its files as they were, nothing released.
            Directory.CreateDirectory(folder);
            foreach (var file in Directory.GetFiles(killedFolder, "*.journal"))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
        }
        Directory.Delete(killedFolder, recursive: true);

        using var sut = Journal();
        var left = sut.Open();
        var b = sut.Admit(Event("01B"))!;

        Assert.Equal("01A", JournalRecord.ReadAll(File.ReadAllBytes(Assert.Single(left))).Single().Event.IdempotencyKey);
        Assert.DoesNotContain(b.Path, left);
    }

    [Fact]
    public void Open_FolderHeldByAnotherHost_FailsNamingTheSetting()
    {
        using var first = Journal();
        first.Open();
        using var sut = Journal();

        var error = Assert.Throws<InvalidOperationException>(() => sut.Open());

        Assert.Contains("Gateway:JournalFolder", error.Message);
    }

    [Fact]
    public void Dispose_NothingPending_LeavesNoSegment()
    {
        var sut = Journal();
        sut.Open();
        var a = sut.Admit(Event("01A"))!;
        sut.Complete(Event("01A"), a);
        sut.Release(a);

        sut.Dispose();

        Assert.Empty(Directory.GetFiles(folder, "*.journal"));
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
