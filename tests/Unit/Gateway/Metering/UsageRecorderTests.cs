using System.Data.Common;
using FrontierGateway.Data;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>The write-behind of usage events: a batch is written when it is full or when the flush interval ends.</summary>
public sealed class UsageRecorderTests
{
    internal static GatewayFactory Factory(string folder, int batch, int flushMs, ManualTime? time = null) =>
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
    internal static Task EventsTableAsync(GatewayFactory factory, bool away) => factory.QueryAsync(db => db.Database.ExecuteSqlRawAsync(
        away ? "ALTER TABLE \"UsageEvents\" RENAME TO \"UsageEventsAway\"" : "ALTER TABLE \"UsageEventsAway\" RENAME TO \"UsageEvents\""));

    /// <summary>The host, on <paramref name="time"/> when one is given (its timers included), else on the factory's clock.</summary>
    internal sealed class ManualClockFactory(ManualTime? time) : GatewayFactory
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
