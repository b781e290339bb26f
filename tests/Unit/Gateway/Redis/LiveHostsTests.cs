using FrontierGateway.Gateway.Redis;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace FrontierGateway.Tests.Unit.Gateway.Redis;

/// <summary>The hosts alive as a host counts them from the heartbeats in a real Redis.</summary>
public sealed class LiveHostsTests : IAsyncLifetime
{
    private readonly RedisServer redis = new();
    private ConnectionMultiplexer connection = null!;

    public async Task InitializeAsync()
    {
        await redis.InitializeAsync();
        connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await connection.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task RedisRestartedEmpty_FirstBeatAloneKeepsTheCountUntilTheOtherHostWouldHaveDroppedOut()
    {
        var a = new LiveHosts(connection, TimeProvider.System, NullLogger<LiveHosts>.Instance);
        var b = new LiveHosts(connection, TimeProvider.System, NullLogger<LiveHosts>.Instance);
        await a.BeatAsync();
        await b.BeatAsync();
        await a.BeatAsync();
        var before = a.LastKnown;

        // What a restart without persistence leaves: no marks. A beats before B has come back.
        await connection.GetServer(connection.GetEndPoints()[0]).FlushAllDatabasesAsync();
        await a.BeatAsync();
        var firstBeatAlone = a.LastKnown;
        for (var beat = 0; beat < 4; beat++)
        {
            await a.BeatAsync();
        }

        Assert.Equal(2, before);
        // Had Redis failed again now, A would have divided each limit by 2, not taken all of it.
        Assert.Equal(2, firstBeatAlone);
        // B never came back: five beats alone, as long as its mark would have lasted, and A counts itself alone.
        Assert.Equal(1, a.LastKnown);
    }
}
