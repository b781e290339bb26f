using FrontierGateway.Data;
using System.Net;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;
using Xunit.Abstractions;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>The resync: a change no notification brought is in force within <c>Gateway:ResyncSeconds</c> all the same.</summary>
public sealed class SnapshotResyncTests(ITestOutputHelper output)
{
    /// <summary>Ten resyncs of a second each: room for a loaded machine, and far less than the default 30 s.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ChangeWithNoBusBetweenTheHosts_IsAppliedAtTheNextResync()
    {
        // No Redis: the two hosts share the database and nothing else.
        await using var hosts = HostPair.Start(new Dictionary<string, string> { ["Gateway:ResyncSeconds"] = "1" }, DataProvider.Postgres);
        var (group, key) = await hosts.A.CustomerAsync("resync");
        using var onB = HostPair.Caller(hosts.B, key);
        var known = await HostPair.UntilAsync(async () => await StatusAsync(onB) == HttpStatusCode.OK, Limit, "key minted on A known to B");

        var (status, _) = await hosts.A.Client().SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}");
        var refused = await HostPair.UntilAsync(async () => await StatusAsync(onB) == HttpStatusCode.Unauthorized,
            Limit, "key of a group deleted on A refused by B");

        output.WriteLine($"Key known to B after {known.TotalMilliseconds:F0} ms, refused after {refused.TotalMilliseconds:F0} ms.");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/v1/models");
        return response.StatusCode;
    }
}
