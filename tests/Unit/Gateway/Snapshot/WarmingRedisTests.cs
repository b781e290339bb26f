using System.Net;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>
/// A host counting in Redis (<c>Limits:Store=Redis</c>) that starts against an empty Redis raises today's day counters
/// to the stored totals, even while its first whole read still runs (the raise needs every group's root, which the
/// host reads before it listens).
/// </summary>
public sealed class WarmingRedisTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string Slug = InferenceHelpers.SimulatedSlug;

    [Fact]
    public async Task Start_EmptyRedis_WholeReadStillRunning_TodaysStoredUseCountsAgainstTheDailyLimit()
    {
        await using var data = new SharedData(DataProvider.Sqlite);
        // Today's whole allowance used on a first host (counting in process; its totals stored when it stops).
        var key = await data.SeedAsync(async first =>
        {
            var (_, key) = await first.CustomerAsync("warm-day",
                $$"""[{"slug":"{{Slug}}","usage_limits":[{"type":"REQUEST","unit":"DAY","threshold":2}]}]""");
            var caller = first.Caller(key);
            var statuses = new List<int>();
            for (var call = 0; call < 3; call++)
            {
                statuses.Add(await caller.ChatAsync().StatusAsync());
            }
            Assert.Equal([200, 200, 429], statuses);
            return key;
        });
        var gate = new WholeReadGate();
        await using var second = data.Second();
        second.Settings["Limits:Store"] = "Redis";
        second.Settings["Redis:Configuration"] = redis.Configuration;
        second.Settings["Gateway:StartupWaitSeconds"] = "0";
        await using var host = second.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.ConfigureDbContext<FrontierDbContext>(options => options.AddInterceptors(gate))));
        var store = host.Services.GetRequiredService<SnapshotStore>();
        var caller = host.CreateClient();
        caller.DefaultRequestHeaders.Authorization = new("Bearer", key);

        var warming = store.IsWarming;
        HttpResponseMessage refused;
        try
        {
            refused = await caller.ChatAsync();
        }
        finally
        {
            gate.Open();
        }

        Assert.True(warming, "the host was not warming");
        using var answer = refused;
        var error = await answer.AssertOpenAIErrorAsync(HttpStatusCode.TooManyRequests, null, "usage_limit_exceeded");
        Assert.Equal("usage_limit_exceeded", error["code"]!.GetValue<string>());
    }
}
