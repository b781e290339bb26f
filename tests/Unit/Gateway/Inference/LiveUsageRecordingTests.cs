using FrontierGateway.Gateway.Metering;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

public sealed class LiveUsageRecordingTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string Slug = InferenceHelpers.SimulatedSlug;

    [Fact]
    public async Task DataPlane_AdmittedAndRefusedCalls_AreRecordedLive()
    {
        var (group, key) = await factory.CustomerAsync("live-recorded",
            $$"""[{"slug":"{{Slug}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":2}]}]""");
        var client = factory.Caller(key);
        var sut = factory.Services.GetRequiredService<LiveUsage>();

        var statuses = new[]
        {
            await client.ChatAsync().StatusAsync(), await client.ChatAsync().StatusAsync(),
            await client.ChatAsync().StatusAsync(),
        };
        // The view ends with the last complete second: the host's clock is moved on by one.
        factory.Time.Offset += TimeSpan.FromSeconds(1);
        var view = sut.Query(new LiveFilter(group, Slug), 60);

        Assert.Equal([200, 200, 429], statuses);
        Assert.Equal(3, view.Requests.Sum());
        Assert.Equal(1, view.Totals.RefusedPerMinute);
        Assert.Equal(0, view.Totals.FailedPerMinute);
        var events = await factory.EventsAsync(group, 2);
        Assert.Equal(events.Sum(e => e.InputTokens + e.OutputTokens), view.Totals.TokensPerMinute);
        Assert.NotNull(view.Totals.P99Ms);
    }

    [Fact]
    public async Task DataPlane_UnknownKey_IsNotRecorded()
    {
        var sut = factory.Services.GetRequiredService<LiveUsage>();
        var before = sut.SeriesCount;

        var status = await factory.Caller("nosuchprefix0000.secret-secret-secret-secret-secret").ChatAsync().StatusAsync();

        Assert.Equal(401, status);
        Assert.Equal(before, sut.SeriesCount);
    }
}
