using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FrontierGateway.Tests.E2E.Portal;

public sealed class LiveUsageJourneyTests
{
    // Generous: two shared cores, a cold host and a cold browser.
    private const float Timeout = 60_000;

    private const string ScreenshotName = nameof(LiveUsage_TrafficThroughTheApi_UpdatesTheNumberAndChartWithoutReload);

    static LiveUsageJourneyTests() => SetDefaultExpectTimeout(Timeout);

    [Fact]
    public async Task LiveUsage_TrafficThroughTheApi_UpdatesTheNumberAndChartWithoutReload()
    {
        await using var sut = new SeededPortalServer();
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.Browser.NewContextAsync(new()
        {
            BaseURL = sut.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1440, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        page.SetDefaultNavigationTimeout(Timeout);
        await Journey.RecordAsync(page, ScreenshotName, async () =>
        {
            await SignInAsync(page, sut.BaseAddress);
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Live usage" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Live usage", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.Locator("[data-interactive='true']")).ToBeVisibleAsync();
            var rate = page.GetByRole(AriaRole.Region, new() { Name = "Requests per second" }).Locator(".live-stat-value");
            var chartPath = page.GetByRole(AriaRole.Figure, new() { Name = "Requests per second" })
                .Locator("path.apexcharts-area").First;
            await Expect(rate).ToHaveTextAsync("0");
            await Expect(chartPath).ToBeAttachedAsync();
            var idlePath = await chartPath.GetAttributeAsync("d");
            // Idle, the chart is redrawn every second yet stays the same: a later change is the traffic's.
            await page.WaitForTimeoutAsync(2_500);
            Assert.Equal(idlePath, await chartPath.GetAttributeAsync("d"));
            // Survives only if the page is never reloaded.
            await page.EvaluateAsync("() => window.liveJourneyMarker = 42");

            // The development seeds: the bootstrap workspace key and the SIMULATED endpoint.
            var seeds = sut.Services.GetRequiredService<IOptions<ManagementOptions>>().Value;
            await CallTheModelAsync(sut.BaseAddress, seeds.BootstrapApiKey!, seeds.SeedEndpoint!, calls: 12);

            await Expect(rate).Not.ToHaveTextAsync("0");
            await Expect(chartPath).Not.ToHaveAttributeAsync("d", idlePath!);
            Assert.Equal(42, await page.EvaluateAsync<int>("() => window.liveJourneyMarker"));
            await ExpectStatRowsFilledAsync(page);
        });
    }

    /// <summary>At every width, the five headline stats fill each row they take: none is left alone on a row.</summary>
    private static async Task ExpectStatRowsFilledAsync(IPage page)
    {
        var stats = page.Locator(".live-stats");
        foreach (var width in new[] { 1440, 1100, 700, 390 })
        {
            await page.SetViewportSizeAsync(width, 1000);
            await Expect(stats.GetByRole(AriaRole.Region)).ToHaveCountAsync(5);
            Assert.True((await Layout.ShortRowsAsync(stats)).Length == 0, $"A row of live stats is not filled at {width} px.");
        }
    }

    private static async Task SignInAsync(IPage page, Uri baseAddress)
    {
        await Journey.SignInAsync(page, SeededPortalServer.AdminEmail, SeededPortalServer.AdminPassword);
        await Expect(page).ToHaveURLAsync(baseAddress.ToString());
        // A click before the circuit is up can be lost when the prerendered page turns interactive.
        await Expect(page.Locator("[data-interactive='true']")).ToBeVisibleAsync();
    }

    /// <summary>Creates a group and a key with the workspace key, then calls the simulated model with it.</summary>
    private static async Task CallTheModelAsync(Uri baseAddress, string workspaceKey, string slug, int calls)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var workspace = new AuthenticationHeaderValue("Api-Key", workspaceKey);
        var group = await SendAsync(http, workspace, "v1/gateway/groups", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "Live journey", ["external_entity_id"] = "cust_live_journey" },
            ["models"] = new JsonArray(new JsonObject { ["slug"] = slug }),
            ["hierarchy"] = new JsonObject { ["limit_enforcement"] = "INDEPENDENT", ["parent_group_id"] = null },
        });
        var key = await SendAsync(http, workspace, $"v1/gateway/groups/{group["id"]}/api_keys",
            new JsonObject { ["name"] = "live-journey" });
        var customer = new AuthenticationHeaderValue("Bearer", key["api_key"]!.GetValue<string>());
        for (var i = 0; i < calls; i++)
        {
            await SendAsync(http, customer, "v1/chat/completions", new JsonObject
            {
                ["model"] = slug,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"Hello #{i}" }),
            });
        }
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, AuthenticationHeaderValue auth, string url, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = auth;
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
