using FrontierGateway.Tests.Unit.Gateway.Inference;

namespace FrontierGateway.Tests.Unit.Gateway.Telemetry;

/// <summary>
/// Each host exports its own meter only, though the SDK listens by meter name in the whole process: two hosts side
/// by side (as the tests run them) each show their own keys.
/// </summary>
public sealed class HostMetricsTests
{
    [Fact]
    public async Task Scrape_TwoHostsInOneProcess_EachShowsItsOwnGauges()
    {
        await using var one = new LiveGatewayFactory();
        await using var two = new LiveGatewayFactory();
        await one.CustomerAsync("host-one");
        await two.CustomerAsync("host-two-a");
        await two.CustomerAsync("host-two-b");

        var (keysOne, keysTwo) = (await KeysCachedAsync(one), await KeysCachedAsync(two));

        Assert.Equal((1, 2), (keysOne, keysTwo));
    }

    private static async Task<double> KeysCachedAsync(LiveGatewayFactory host)
    {
        using var scraper = new HttpClient { BaseAddress = host.BaseAddress };
        var samples = PrometheusText.Parse(await scraper.GetStringAsync("metrics"));
        return Assert.Single(samples.Where("frontier_keys_cached")).Value;
    }
}
