using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Usage;
using FrontierGateway.Gateway.Metering.Journal;
using FrontierGateway.Tests.Unit.Data;
using Microsoft.EntityFrameworkCore;
using static FrontierGateway.Tests.Unit.Gateway.Metering.Journal.UsageJournalTests;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Journal;

/// <summary>Start-up after a kill: what the journal says is brought into the database, once.</summary>
public sealed class JournalReplayTests : DatabaseTest
{
    private static readonly DateOnly Day = new(2026, 12, 2);

    private string Segment(params JournalRecord[] records)
    {
        var path = Path.Combine(Data.Folder, $"{Guid.NewGuid():N}.journal");
        File.WriteAllBytes(path, [.. records.SelectMany(r => r.Encode().ToArray())]);
        return path;
    }

    private async Task SeedCascadingTreeAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        db.Groups.Add(GroupBuilder.Group("grp_root", LimitEnforcement.Cascading, GroupBuilder.Model("org/m", GroupBuilder.TokensPerDay(1000))));
        var child = GroupBuilder.Group("grp_a", LimitEnforcement.Cascading);
        child.ParentGroupId = "grp_root";
        db.Groups.Add(child);
        // The root's counter already holds more than the events say (a failed call counted at admission).
        db.DailyUsage.Add(new DailyUsage { GroupId = "grp_root", Slug = "org/m", Type = LimitType.Request, Day = Day, Value = 9 });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task ReplayAsync_CompletedInterruptedVoidedAndStored_EachCallEndsWithExactlyItsEvent()
    {
        await SeedCascadingTreeAsync();
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.UsageEvents.Add(Event("01STORED", input: 5));
            await db.SaveChangesAsync();
        }
        var completed = Event("01DONE", input: 100);
        completed.Estimated = false;
        var segments = new[]
        {
            Segment(new(JournalKind.Admitted, Event("01STORED")), new(JournalKind.Admitted, Event("01DONE", input: 9)),
                new(JournalKind.Admitted, Event("01CUT", input: 40)), new(JournalKind.Admitted, Event("01VOID"))),
            Segment(new(JournalKind.Completed, Event("01STORED", input: 5)), new(JournalKind.Completed, completed),
                new(JournalKind.Voided, Event("01VOID"))),
        };

        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            Assert.Equal(new ReplayCounts(2, 1), await JournalReplay.ReplayAsync(db, segments, DateTime.UtcNow, default));
            // A second start-up (the first died during its replay) stores nothing twice.
            Assert.Equal(new ReplayCounts(0, 0), await JournalReplay.ReplayAsync(db, segments, DateTime.UtcNow, default));
        }

        await using var read = await DbFactory.CreateDbContextAsync();
        var events = await read.UsageEvents.AsNoTracking().ToDictionaryAsync(e => e.IdempotencyKey);
        Assert.Equal(["01CUT", "01DONE", "01STORED"], events.Keys.Order());
        Assert.Equal((100L, false, false), (events["01DONE"].InputTokens, events["01DONE"].Estimated, events["01DONE"].Interrupted));
        Assert.Equal((40L, true, true), (events["01CUT"].InputTokens, events["01CUT"].Estimated, events["01CUT"].Interrupted));
        var daily = await read.DailyUsage.AsNoTracking().ToDictionaryAsync(d => (d.GroupId, d.Type), d => d.Value);
        // Three events (5+3, 100+3, 40+3 tokens) count to the child and, in CASCADING, to the root.
        Assert.Equal(3, daily[("grp_a", LimitType.Request)]);
        Assert.Equal(154, daily[("grp_a", LimitType.Token)]);
        Assert.Equal(154, daily[("grp_root", LimitType.Token)]);
        Assert.Equal(9, daily[("grp_root", LimitType.Request)]);
    }

    [Fact]
    public async Task ReplayAsync_ALongJournal_StoresEveryCallOnceAcrossSegmentsAndChunks()
    {
        await SeedCascadingTreeAsync();
        // 1,300 calls over three segments: each admitted in one segment and ended in the next (or the same), so
        // calls are paired across segments, and events are stored in several chunks.
        var segments = Enumerable.Range(0, 3).Select(s => Segment([.. Enumerable.Range(0, 1300).SelectMany(i => Lines(s, i))])).ToArray();
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.UsageEvents.Add(Event(Key(7)));
            await db.SaveChangesAsync();
        }

        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            // Calls 0..1299: the last 50 cut off (admitted only), every tenth before them voided (125), the rest completed; one stored.
            Assert.Equal(new ReplayCounts(1300 - 125 - 1, 50), await JournalReplay.ReplayAsync(db, segments, DateTime.UtcNow, default));
        }

        await using var read = await DbFactory.CreateDbContextAsync();
        var events = await read.UsageEvents.AsNoTracking().ToListAsync();
        Assert.Equal(1300 - 125, events.Count);
        Assert.Equal(50, events.Count(e => e.Interrupted));
        Assert.Equal(1300 - 125, events.Select(e => e.IdempotencyKey).Distinct().Count());
        Assert.Equal(1300 - 125, (await read.DailyUsage.AsNoTracking().SingleAsync(d => d.GroupId == "grp_a" && d.Type == LimitType.Request)).Value);

        // Call i is admitted in segment i % 3 and ends in the next one (or the same one for the last segment).
        static IEnumerable<JournalRecord> Lines(int segment, int i)
        {
            var admittedIn = i % 3;
            var endedIn = Math.Min(admittedIn + 1, 2);
            if (segment == admittedIn)
            {
                yield return new(JournalKind.Admitted, Event(Key(i)));
            }
            if (segment == endedIn && i < 1250)
            {
                yield return new(i % 10 == 0 ? JournalKind.Voided : JournalKind.Completed, Event(Key(i)));
            }
        }
    }

    private static string Key(int i) => $"01K{i:D6}";

    [Fact]
    public async Task ReplayAsync_NothingOwed_WritesNothing()
    {
        var segments = new[] { Segment(new(JournalKind.Admitted, Event("01VOID")), new(JournalKind.Voided, Event("01VOID"))) };
        await using var db = await DbFactory.CreateDbContextAsync();

        Assert.Equal(new ReplayCounts(0, 0), await JournalReplay.ReplayAsync(db, segments, DateTime.UtcNow, default));
        Assert.Equal(0, await db.UsageEvents.CountAsync());
        Assert.Equal(0, await db.DailyUsage.CountAsync());
    }
}
