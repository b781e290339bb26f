using FrontierGateway.Data;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>Keys' last use, written by every host of a fleet to the one database.</summary>
public sealed class KeyActivityTests
{
    [Fact]
    public async Task LastUsedAt_AnOlderUseWrittenByAnotherHostLater_KeepsTheLatest()
    {
        // No bus: B learns of the key at its next resync, a second away.
        await using var hosts = HostPair.Start(new Dictionary<string, string> { ["Gateway:ResyncSeconds"] = "1" }, DataProvider.Postgres);
        hosts.B.Time.Offset = TimeSpan.FromHours(1);
        var (group, key) = await hosts.A.CustomerAsync("last-used");
        var prefix = key.Split('.')[0];
        using var onB = HostPair.Caller(hosts.B, key);
        using var onA = HostPair.Caller(hosts.A, key);
        await HostPair.UntilAsync(async () => (await onB.GetAsync("/v1/models")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "key known to B");

        Assert.Equal(200, await onB.ChatAsync().StatusAsync());
        await HostPair.UntilAsync(async () => await LastUsedAsync(hosts.A, prefix) is not null, TimeSpan.FromSeconds(10), "B's use stored");
        var byB = await LastUsedAsync(hosts.A, prefix);
        Assert.Equal(200, await onA.ChatAsync().StatusAsync());
        // A writes a key's use in the transaction of the batch holding that call's event, or an earlier one.
        await hosts.A.EventsAsync(group, 2);

        Assert.True(byB > DateTime.UtcNow.AddMinutes(50), $"B's clock is an hour ahead: {byB:O}");
        Assert.Equal(byB, await LastUsedAsync(hosts.A, prefix));
    }

    private static Task<DateTime?> LastUsedAsync(GatewayFactory host, string prefix) =>
        host.QueryAsync(db => db.CustomerApiKeys.Where(k => k.Prefix == prefix).Select(k => k.LastUsedAt).SingleAsync());
}
