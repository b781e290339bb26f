using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Redis;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FrontierGateway.Tests.Unit.Gateway.Redis;

/// <summary>
/// A call admitted in Redis and settled while the circuit is open (a blip: Redis keeps its data), through the host's own
/// stores: its reservation must not count once more when it lapses, on top of the tokens the outage counted.
/// </summary>
public sealed class OutageReservationTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string Slug = InferenceHelpers.SimulatedSlug;

    [Fact]
    public async Task Settle_DuringOutage_ReservationGivenBackWhenItEnds_NotCountedAsUsedWhenItLapses()
    {
        await using var gateway = new GatewayFactory();
        gateway.Settings["Redis:Configuration"] = redis.Configuration;
        gateway.Settings["Limits:Store"] = "Redis";
        gateway.Settings["Limits:ReservationTtlSeconds"] = "60";
        var (group, _) = await gateway.CustomerAsync("outage-reservation", $$"""
            [{"slug":"{{Slug}}","usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":1000}]}]
            """);
        var store = gateway.Services.GetRequiredService<ICounterStore>();
        var outage = gateway.Services.GetRequiredService<LimitsOutage>();
        var redisStore = gateway.Services.GetRequiredService<RedisCounterStore>();
        Assert.True(gateway.Services.GetRequiredService<SnapshotStore>().Current.Groups.TryGetValue(group, out var groupPolicy));
        var policy = groupPolicy!.Find(Slug)!;
        var now = DateTime.UtcNow;

        var call = await store.TryAdmitAsync(policy, "fg_outage", 300, now);
        outage.Open(null);
        await store.SettleAsync(policy, call.Reservation, 100, now);
        // Given back with the settlements written within 10 ms, long before the reservation would lapse.
        var reserved = RedisCounterKeys.Reservations(policy.RootGroupId, group, Slug);
        var db = gateway.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var wasHeld = await db.KeyExistsAsync(reserved);
        await HostPair.UntilAsync(async () => outage.Current is null && !await db.KeyExistsAsync(reserved), TimeSpan.FromSeconds(10),
            "outage closed and the reservation given back");
        // Past the reservations' lifetime, where a reservation never given back would count as used.
        redisStore.ClockOffset = () => TimeSpan.FromMinutes(2);
        var next = await store.TryAdmitAsync(policy, "fg_outage", 1, now);

        Assert.True(call.Admitted);
        Assert.True(wasHeld);
        Assert.True(next.Admitted);
        // The day of the call (now + 2 minutes can be the next day when the test runs just before midnight UTC).
        Assert.Equal(100, await store.ReadDailyAsync(group, Slug, LimitType.Token, DateOnly.FromDateTime(now)));
    }
}
