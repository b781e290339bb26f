using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Redis;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary><c>Limits:Store</c> as the host reads it: one setting picks the counters, a wrong one stops the start.</summary>
public sealed class CounterStoreChoiceTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string Slug = InferenceHelpers.SimulatedSlug;

    [Theory]
    [InlineData("Postgres")]
    [InlineData("1")]
    public async Task Start_UnknownStore_FailsNamingTheSetting(string store)
    {
        await using var gateway = new GatewayFactory { Settings = { ["Limits:Store"] = store } };

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Services);

        Assert.Contains($"Limits:Store must be Memory or Redis, not \"{store}\"", error.Message);
    }

    [Fact]
    public async Task Start_RedisStoreWithoutRedis_FailsNamingTheSetting()
    {
        await using var gateway = new GatewayFactory { Settings = { ["Limits:Store"] = "redis" } };

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Services);

        Assert.Contains("Redis:Configuration is required when Limits:Store is Redis", error.Message);
    }

    [Fact]
    public async Task Services_RedisConfiguredWithoutTheSetting_KeepTheInProcessCounters()
    {
        await using var gateway = new GatewayFactory { Settings = { ["Redis:Configuration"] = redis.Configuration } };

        Assert.IsType<InMemoryCounterStore>(gateway.Services.GetRequiredService<ICounterStore>());
        Assert.IsType<DailyTotals>(gateway.Services.GetRequiredService<IDailyTotals>());
    }

    [Fact]
    public async Task Start_AgainstAnEmptyRedis_RebuildsTodaysCountersFromTheDatabase()
    {
        var folder = GatewayFactory.NewFolder();
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration, ["Limits:Store"] = "Redis" };
        string key;
        int[] before;
        await using (var first = Host(folder, settings, keepFolder: true))
        {
            Assert.IsType<ResilientCounterStore>(first.Services.GetRequiredService<ICounterStore>());
            Assert.IsType<RedisDailyTotals>(first.Services.GetRequiredService<IDailyTotals>());
            (var group, key) = await first.CustomerAsync("rebuild", $$"""[{"slug":"{{Slug}}","usage_limits":[{"type":"REQUEST","unit":"DAY","threshold":5}]}]""");
            var caller = first.Caller(key);
            before = [await caller.ChatAsync().StatusAsync(), await caller.ChatAsync().StatusAsync(), await caller.ChatAsync().StatusAsync()];
            await HostPair.UntilAsync(async () => await first.QueryAsync(db => db.DailyUsage
                .AnyAsync(u => u.GroupId == group && u.Type == LimitType.Request && u.Value == 3)), TimeSpan.FromSeconds(10), "the day's total stored");
        }
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true"))
        {
            await admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabasesAsync();
        }

        await using var second = Host(folder, settings, keepFolder: false);
        var again = second.Caller(key);
        var after = new[] { await again.ChatAsync().StatusAsync(), await again.ChatAsync().StatusAsync(), await again.ChatAsync().StatusAsync() };

        Assert.Equal([200, 200, 200], before);
        Assert.Equal([200, 200, 429], after);
    }

    /// <summary>A host on the SQLite file of <paramref name="folder"/>; the last one to go deletes the folder.</summary>
    private static GatewayFactory Host(string folder, Dictionary<string, string?> settings, bool keepFolder)
    {
        var host = new GatewayFactory { Folder = folder, KeepFolder = keepFolder };
        foreach (var (name, value) in settings)
        {
            host.Settings[name] = value;
        }
        return host;
    }
}
