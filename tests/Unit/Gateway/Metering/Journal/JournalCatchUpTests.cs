using FrontierGateway.Data;
using FrontierGateway.Gateway.Metering.Journal;
using FrontierGateway.Tests.Unit.Data;
using Microsoft.EntityFrameworkCore;
using static FrontierGateway.Tests.Unit.Gateway.Metering.Journal.UsageJournalTests;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Journal;

/// <summary>Events left in the running journal only, stored from its segments: each once, on either provider.</summary>
public abstract class JournalCatchUpTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : JournalCatchUpTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : JournalCatchUpTests(DataProvider.Postgres);

    [Fact]
    public async Task StoreAsync_CompletedCallsNotStored_AreStoredOnce_OthersLeft()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.UsageEvents.Add(Event("01STORED", input: 5));
            await db.SaveChangesAsync();
        }
        // 1,200 completed calls (more than a chunk), one already stored, one still running, one voided.
        var lines = Enumerable.Range(0, 1200).Select(i => new JournalRecord(JournalKind.Completed, Event($"01C{i:D6}")))
            .Append(new(JournalKind.Completed, Event("01STORED", input: 99)))
            .Append(new(JournalKind.Admitted, Event("01RUNNING")))
            .Append(new(JournalKind.Voided, Event("01VOID")));
        var segment = Path.Combine(Data.Folder, "000000000001.journal");
        await File.WriteAllBytesAsync(segment, [.. lines.SelectMany(r => r.Encode().ToArray())]);

        var first = await JournalCatchUp.StoreAsync(DbFactory, [segment, Path.Combine(Data.Folder, "gone.journal")], default);
        var again = await JournalCatchUp.StoreAsync(DbFactory, [segment], default);

        Assert.Equal((1200, 0), (first, again));
        await using var read = await DbFactory.CreateDbContextAsync();
        Assert.Equal(1201, await read.UsageEvents.CountAsync());
        Assert.Equal(5, (await read.UsageEvents.SingleAsync(e => e.IdempotencyKey == "01STORED")).InputTokens);
        Assert.False(await read.UsageEvents.AnyAsync(e => e.IdempotencyKey == "01RUNNING" || e.IdempotencyKey == "01VOID"));
    }
}
