using FrontierGateway.Tests.Unit.Gateway.Inference;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>The write-behind of usage events: a batch is written when it is full or when the flush interval ends.</summary>
public sealed class UsageRecorderTests
{
    private static GatewayFactory Factory(string folder, int batch, int flushMs) => new()
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
    public async Task APartBatch_WaitsForTheFlushInterval_AndIsWrittenOnShutdown()
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
            await Task.Delay(1000);
            Assert.Equal(0, await first.QueryAsync(db => db.UsageEvents.CountAsync(e => e.GroupId == group)));
        }
        await using var second = new GatewayFactory { Folder = folder };

        Assert.Equal(3, await second.QueryAsync(db => db.UsageEvents.CountAsync(e => e.GroupId == group)));
    }
}
