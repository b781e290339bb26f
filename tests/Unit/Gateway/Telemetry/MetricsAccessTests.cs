using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FrontierGateway.Data.Entities;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Telemetry;

/// <summary>Who may read <c>/metrics</c> (<c>Telemetry:MetricsAccess</c>), and the settings' checks at start-up.</summary>
public sealed class MetricsAccessTests
{
    private static async Task<HttpResponseMessage> ScrapeAsync(HttpClient client, string? key = null, bool forwarded = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Api-Key", key);
        }
        if (forwarded)
        {
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        }
        return await client.SendAsync(request);
    }

    private static async Task AssertServedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE ", await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("# TYPE ", text);
        Assert.Equal("authentication_error", (string?)JsonNode.Parse(text)!["error"]!["type"]);
    }

    [Fact]
    public async Task Get_ViewKeyAccess_RefusesNoKeyAndCustomerKey_ServesWorkspaceKeys()
    {
        await using var gateway = new GatewayFactory { Settings = { ["Telemetry:MetricsAccess"] = "ViewKey" } };
        var client = gateway.CreateClient();
        client.BaseAddress = new Uri(client.BaseAddress!, "/");
        var (_, customerKey) = await gateway.CustomerAsync("metrics-access");

        await AssertRefusedAsync(await ScrapeAsync(client));
        await AssertRefusedAsync(await ScrapeAsync(client, customerKey));
        await AssertRefusedAsync(await ScrapeAsync(client, "nopenopenopenope.not-a-key-at-all-0123456789abcdef"));
        await AssertServedAsync(await ScrapeAsync(client, await gateway.MintWorkspaceKeyAsync(WorkspaceScope.View)));
        await AssertServedAsync(await ScrapeAsync(client, GatewayFactory.ManageKey));
    }

    [Fact]
    public async Task Get_DefaultAccess_ServesLoopback_RefusesForwardedCallWithoutKey()
    {
        await using var gateway = new LiveGatewayFactory();
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        await AssertServedAsync(await ScrapeAsync(client));
        // Through a balancer on this machine every caller is 127.0.0.1: a forwarded call needs a key.
        await AssertRefusedAsync(await ScrapeAsync(client, forwarded: true));
        await AssertServedAsync(await ScrapeAsync(client, await gateway.MintWorkspaceKeyAsync(WorkspaceScope.View), forwarded: true));
    }

    [Fact]
    public async Task Get_MetricsOff_IsNotServed()
    {
        await using var gateway = new LiveGatewayFactory { Settings = { ["Telemetry:Metrics"] = "false" } };
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        using var response = await ScrapeAsync(client, GatewayFactory.ManageKey);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("Telemetry:MetricsAccess", "Everyone", "Telemetry:MetricsAccess must be LoopbackOrViewKey, ViewKey or Anyone")]
    [InlineData("Telemetry:MetricsPath", "/v1/metrics", "Telemetry:MetricsPath must be a path such as /metrics, outside /v1")]
    [InlineData("Telemetry:MetricsPath", "metrics", "Telemetry:MetricsPath must be a path such as /metrics, outside /v1")]
    [InlineData("Telemetry:OtlpEndpoint", "collector:4317", "Telemetry:OtlpEndpoint must be an absolute http or https URL")]
    public async Task Start_BadTelemetrySetting_FailsNamingTheSetting(string name, string value, string message)
    {
        await using var gateway = new GatewayFactory { Settings = { [name] = value } };

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Services);

        Assert.Contains(message, error.Message);
    }
}
