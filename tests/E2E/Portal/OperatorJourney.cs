using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FrontierGateway.Tests.E2E.Portal;

/// <summary>A signed-in admin's browser on a seeded host, for the operator journeys (spend, request log, near limits).</summary>
internal sealed class OperatorJourney : IAsyncDisposable
{
    // Generous: two shared cores, a cold host and a cold browser.
    public const float Timeout = 60_000;

    private Chromium chromium = null!;
    private IBrowserContext context = null!;

    static OperatorJourney() => SetDefaultExpectTimeout(Timeout);

    public SeededPortalServer Server { get; } = new();

    public IPage Page { get; private set; } = null!;

    public static async Task<OperatorJourney> StartAsync()
    {
        var journey = new OperatorJourney();
        journey.chromium = await Chromium.LaunchAsync();
        journey.context = await journey.chromium.Browser.NewContextAsync(new()
        {
            BaseURL = journey.Server.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1440, Height = 1000 },
        });
        journey.Page = await journey.context.NewPageAsync();
        journey.Page.SetDefaultTimeout(Timeout);
        journey.Page.SetDefaultNavigationTimeout(Timeout);
        return journey;
    }

    public async Task SignInAsync()
    {
        await Journey.SignInAsync(Page, SeededPortalServer.AdminEmail, SeededPortalServer.AdminPassword);
        await Expect(Page).ToHaveURLAsync(Server.BaseAddress.ToString());
        await WaitInteractiveAsync();
    }

    /// <summary>A click before the circuit is up can be lost when the prerendered page turns interactive.</summary>
    public Task WaitInteractiveAsync() => Expect(Page.Locator("[data-interactive='true']")).ToBeVisibleAsync();

    /// <summary>Opens a page from the navigation menu and waits for its heading and the circuit.</summary>
    public async Task OpenAsync(string link, string heading)
    {
        await Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        await WaitInteractiveAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
        await chromium.DisposeAsync();
        await Server.DisposeAsync();
    }
}
