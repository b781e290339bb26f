using FrontierGateway.Data;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>
/// TOKEN reservations across hosts: two real hosts on one PostgreSQL and one Redis (<c>Limits:Store=Redis</c>), the
/// callers spread over both at once.
/// </summary>
public sealed class SharedTokenLimitsTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private HostPair hosts = null!;

    public Task InitializeAsync()
    {
        hosts = HostPair.Start(new Dictionary<string, string>(HundredTokenCalls.Settings)
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Limits:Store"] = "Redis",
        }, DataProvider.Postgres);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await hosts.DisposeAsync();

    [Fact]
    public async Task TokenLimit_HundredConcurrentCallsOverTwoHosts_StayUnderTheLimit_AndSettleReturnsTheDifference()
    {
        var (group, key) = await hosts.A.CustomerAsync("shared-tokens", HundredTokenCalls.Models);
        using var onA = HostPair.Caller(hosts.A, key);
        using var onB = await hosts.CallerKnownToBAsync(key);

        await HundredTokenCalls.RunAsync(hosts.A, group, onA, onB);
    }
}
