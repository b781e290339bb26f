using System.Data.Common;
using System.Diagnostics;
using FrontierGateway.Data;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using FrontierGateway.Gateway.Metering;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>The write-behind of usage events: a batch is written when it is full or when the flush interval ends.</summary>
public sealed class UsageRecorderTests
{
    private static GatewayFactory Factory(string folder, int batch, int flushMs, ManualTime? time = null) =>
        new ManualClockFactory(time)
        {
            Folder = folder,
            KeepFolder = true,
            Settings = { ["Gateway:UsageBatchSize"] = batch.ToString(), ["Gateway:UsageFlushMilliseconds"] = flushMs.ToString() },
        };

    [Fact]
    public async Task AFullBatch_IsWrittenWithoutWaitingForTheFlushInterval()
    {
        var folder = GatewayFactory.NewFolder();
        await using var factory = Factory(folder, batch: 4, flushMs: 120_000);
        var (group, key) = await factory.CustomerAsync("rec-full");
        var caller = factory.Caller(key);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        }

        // EventsAsync gives up after 10 s, long before the two-minute flush interval.
        Assert.Equal(4, (await factory.EventsAsync(group, 4)).Count);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task ABatchTheDatabaseRefused_IsWrittenAgainWithoutARestart()
    {
        var folder = GatewayFactory.NewFolder();
        await using var factory = Factory(folder, batch: 1, flushMs: 20);
        var (group, key) = await factory.CustomerAsync("rec-retry");
        var caller = factory.Caller(key);
        Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        await factory.EventsAsync(group, 1);

        // The events table is gone for a while: each write fails, and the calls are still answered.
        await EventsTableAsync(factory, away: true);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        }
        await HostPair.UntilAsync(() => Task.FromResult(factory.Logged.Messages.Any(m => m.Contains("usage events failed", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10), "a write refused");
        await EventsTableAsync(factory, away: false);

        var events = await factory.EventsAsync(group, 4);
        Assert.Equal(4, events.Count);
        Assert.Equal(4, events.Select(e => e.RequestId).Distinct().Count());
        Directory.Delete(folder, recursive: true);
    }

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

    [Fact]
    public async Task ABatchStoredThoughItsCommitReportedAFailure_IsNotWrittenAgainAndLaterEventsAre()
    {
        var folder = GatewayFactory.NewFolder();
        var lost = new CommitLost();
        await using var factory = new LostCommitFactory(lost)
        {
            Folder = folder,
            KeepFolder = true,
            Settings = { ["Gateway:UsageBatchSize"] = "1", ["Gateway:UsageFlushMilliseconds"] = "20" },
        };
        var (group, key) = await factory.CustomerAsync("rec-lost-commit");
        var caller = factory.Caller(key);

        // The next commit (the writer's, of this call's event) reaches the database, then reports a failure.
        lost.Armed = true;
        Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        await HostPair.UntilAsync(() => Task.FromResult(lost.Thrown), TimeSpan.FromSeconds(10), "the commit reported lost");
        Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        Assert.Equal(200, await caller.ChatAsync().StatusAsync());

        var events = await factory.EventsAsync(group, 3);
        Assert.Equal(3, events.Select(e => e.RequestId).Distinct().Count());
        Assert.Equal(3, events.Count);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task APartBatch_IsWrittenWhenTheFlushIntervalEnds()
    {
        var folder = GatewayFactory.NewFolder();
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var interval = TimeSpan.FromMinutes(2);
        await using var factory = Factory(folder, batch: 100, flushMs: (int)interval.TotalMilliseconds, time);
        var (group, key) = await factory.CustomerAsync("rec-interval");
        var caller = factory.Caller(key);
        var waiting = time.TimerStartedAsync(interval);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        }
        // The writer has the first event and waits for the batch to fill or the interval to end: on a clock that
        // stands still, neither can happen until the test moves it.
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        var before = await factory.QueryAsync(db => db.UsageEvents.CountAsync(e => e.GroupId == group));
        time.Advance(interval);

        Assert.Equal(0, before);
        Assert.Equal(3, (await factory.EventsAsync(group, 3)).Count);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task APartBatch_IsWrittenOnShutdown()
    {
        var folder = GatewayFactory.NewFolder();
        string group;
        await using (var first = Factory(folder, batch: 100, flushMs: 120_000))
        {
            (group, var key) = await first.CustomerAsync("rec-part");
            var caller = first.Caller(key);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(200, await caller.ChatAsync().StatusAsync());
            }
        }
        await using var second = new GatewayFactory { Folder = folder };

        Assert.Equal(3, await second.QueryAsync(db => db.UsageEvents.CountAsync(e => e.GroupId == group)));
    }

    /// <summary>Takes the events table away (each write of the usage writer then fails, as with the database down) or back.</summary>
    private static Task EventsTableAsync(GatewayFactory factory, bool away) => factory.QueryAsync(db => db.Database.ExecuteSqlRawAsync(
        away ? "ALTER TABLE \"UsageEvents\" RENAME TO \"UsageEventsAway\"" : "ALTER TABLE \"UsageEventsAway\" RENAME TO \"UsageEvents\""));

    /// <summary>The host, on <paramref name="time"/> when one is given (its timers included), else on the factory's clock.</summary>
    private sealed class ManualClockFactory(ManualTime? time) : GatewayFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (time is not null)
            {
                builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(time));
            }
        }
    }

    /// <summary>Throws once armed, right after a transaction's commit: a connection lost while COMMIT's answer came back.</summary>
    private sealed class CommitLost : DbTransactionInterceptor
    {
        private int armed;

        public bool Armed { set => Volatile.Write(ref armed, value ? 1 : 0); }

        public bool Thrown { get; private set; }

        public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            await base.TransactionCommittedAsync(transaction, eventData, cancellationToken);
            if (Interlocked.Exchange(ref armed, 0) == 1)
            {
                Thrown = true;
                throw new InvalidOperationException("the test lost the connection after COMMIT");
            }
        }
    }

    private sealed class LostCommitFactory(CommitLost lost) : GatewayFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
                services.ConfigureDbContext<FrontierDbContext>(options => options.AddInterceptors(lost)));
        }
    }
}
