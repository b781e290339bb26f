using System.Diagnostics;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>
/// The write-behind's memory bound (Gateway:UsageQueueLimit): past it events wait in the journal only, and are stored
/// from it once the writer has caught up, each once, across a graceful stop too.
/// </summary>
public sealed class UsageQueueLimitTests
{
    private static GatewayFactory Factory(string folder, int batch, int flushMs) => UsageRecorderTests.Factory(folder, batch, flushMs);

    private static Task EventsTableAsync(GatewayFactory factory, bool away) => UsageRecorderTests.EventsTableAsync(factory, away);

    [Fact]
    public async Task AQueueAtItsLimit_LeavesEventsInTheJournal_AndStoresThemFromItOnceTheDatabaseIsBack()
    {
        var folder = GatewayFactory.NewFolder();
        await using var factory = Factory(folder, batch: 2, flushMs: 20);
        factory.Settings["Gateway:UsageQueueLimit"] = "4";
        factory.Settings["Logging:LogLevel:FrontierGateway.Gateway.Metering.UsageRecorder"] = "Information";
        var (group, key) = await factory.CustomerAsync("rec-limit");
        var caller = factory.Caller(key);
        var recorder = factory.Services.GetRequiredService<UsageRecorder>();
        Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        await factory.EventsAsync(group, 1);

        await EventsTableAsync(factory, away: true);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, await caller.ChatAsync().StatusAsync());
            // Memory holds the queue's limit at most (and the batch being tried again), whatever the backlog.
            Assert.InRange(recorder.Queued, 0, 4);
        }
        Assert.InRange(recorder.JournalOnly, 20 - 4 - 2, 20);
        Assert.Contains(factory.Logged.Messages, m => m.Contains("reached its limit of 4 events", StringComparison.Ordinal));
        await EventsTableAsync(factory, away: false);

        var events = await factory.EventsAsync(group, 21);
        await HostPair.UntilAsync(() => Task.FromResult(recorder.JournalOnly == 0), TimeSpan.FromSeconds(20), "every event stored from the journal");
        // Back to memory: later calls are queued and stored as before.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        }
        var all = await factory.EventsAsync(group, 24);

        Assert.Equal(21, events.Count);
        Assert.Equal(24, all.Count);
        Assert.Equal(24, all.Select(e => e.RequestId).Distinct().Count());
        Assert.All(all, e => Assert.True(e.InputTokens > 0 && e.OutputTokens > 0, $"{e.RequestId}: {e.InputTokens}/{e.OutputTokens}"));
        Assert.Equal(0, recorder.JournalOnly);
        Assert.Contains(factory.Logged.Messages, m => m.Contains("queued in memory again", StringComparison.Ordinal));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task EventsLeftInTheJournal_UnderSteadyTraffic_AreStored_AndNewOnesAreQueuedInMemoryAgain()
    {
        var folder = GatewayFactory.NewFolder();
        // Batches large enough for the writer to outrun one caller, so that the queue drains while calls go on.
        await using var factory = Factory(folder, batch: 10, flushMs: 20);
        factory.Settings["Gateway:UsageQueueLimit"] = "40";
        var (group, key) = await factory.CustomerAsync("rec-limit-steady");
        var caller = factory.Caller(key);
        var recorder = factory.Services.GetRequiredService<UsageRecorder>();
        await EventsTableAsync(factory, away: true);
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        }
        Assert.True(recorder.JournalOnly > 0);

        // Calls go on, one after another, while the database comes back and after.
        using var stop = new CancellationTokenSource();
        var calls = 60;
        var traffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(200, await caller.ChatAsync().StatusAsync());
                Interlocked.Increment(ref calls);
                // A steady rate the writer outruns (in memory the host answers thousands a second, more than batches
                // of 10 are written at on a loaded machine, and then the queue stays full, rightly).
                await Task.Delay(5);
            }
        });
        await EventsTableAsync(factory, away: false);
        await HostPair.UntilAsync(() => Task.FromResult(recorder.JournalOnly == 0), TimeSpan.FromSeconds(20), "every event stored from the journal while calls go on");
        var queuedAgainAt = Volatile.Read(ref calls);
        await HostPair.UntilAsync(() => Task.FromResult(Volatile.Read(ref calls) >= queuedAgainAt + 5), TimeSpan.FromSeconds(20), "five more calls");
        stop.Cancel();
        await traffic;

        var events = await factory.EventsAsync(group, calls);
        Assert.Equal(calls, events.Count);
        Assert.Equal(calls, events.Select(e => e.RequestId).Distinct().Count());
        Assert.Equal(0, recorder.JournalOnly);
        // Queued in memory again: the latest events carry their status (one stored from the journal has none).
        var latest = events.OrderByDescending(e => e.Timestamp).Take(3).ToList();
        Assert.All(latest, e => Assert.Equal(200, e.Status));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Start_QueueLimitBelowTheBatchSize_FailsNamingTheSetting()
    {
        await using var gateway = new GatewayFactory { Settings = { ["Gateway:UsageQueueLimit"] = "499" } };

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Services);

        Assert.Contains("Gateway:UsageQueueLimit must be at least Gateway:UsageBatchSize", error.Message);
    }

    [Fact]
    public async Task EventsLeftInTheJournal_WhenTheHostStopsWithTheDatabaseDown_AreStoredAtTheNextStart()
    {
        var folder = GatewayFactory.NewFolder();
        string group;
        var first = Factory(folder, batch: 2, flushMs: 20);
        first.Settings["Gateway:UsageQueueLimit"] = "2";
        (group, var key) = await first.CustomerAsync("rec-limit-stop");
        var caller = first.Caller(key);
        await EventsTableAsync(first, away: true);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        }
        Assert.True(first.Services.GetRequiredService<UsageRecorder>().JournalOnly > 0);
        var stopping = Stopwatch.StartNew();
        await first.DisposeAsync();
        // The writer gives up at once when the database refuses during the stop (the journal holds the events), not
        // after the host's 30 s shutdown timeout with the writer still running behind it.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(20), $"stopped in {stopping.Elapsed}");
        Assert.Contains(first.Logged.Messages, m => m.Contains("not stored (the database refused them)", StringComparison.Ordinal));
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "frontier.db")}"))
        {
            await connection.OpenAsync();
            await using var rename = connection.CreateCommand();
            rename.CommandText = "ALTER TABLE \"UsageEventsAway\" RENAME TO \"UsageEvents\"";
            await rename.ExecuteNonQueryAsync();
        }
        await using var second = new GatewayFactory { Folder = folder };

        var events = await second.QueryAsync(db => db.UsageEvents.Where(e => e.GroupId == group).ToListAsync());
        Assert.Equal(10, events.Count);
        Assert.DoesNotContain(events, e => e.Interrupted);
    }
}
