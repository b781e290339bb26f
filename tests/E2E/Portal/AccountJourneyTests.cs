using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FrontierGateway.Tests.E2E.Portal;

public sealed class AccountJourneyTests
{
    private const string Email = "first.admin@example.com";
    private const string Password = "E2e-password-42";

    // Generous: two shared cores, a cold host and a cold browser.
    private const float Timeout = 60_000;

    private const string ScreenshotName = nameof(FirstRun_FreshInstall_SetsUpAdminAndSignsInAgain);

    static AccountJourneyTests() => SetDefaultExpectTimeout(Timeout);

    [Fact]
    public async Task FirstRun_FreshInstall_SetsUpAdminAndSignsInAgain()
    {
        await using var sut = new PortalServer();
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.Browser.NewContextAsync(new() { BaseURL = sut.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        page.SetDefaultNavigationTimeout(Timeout);
        await Journey.RecordAsync(page, ScreenshotName, async () =>
        {
            await page.GotoAsync("/");
            await Expect(page).ToHaveURLAsync(new Uri(sut.BaseAddress, "account/setup").ToString());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "First-run setup" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync(Email);
            await page.GetByLabel("Password (10 characters or more)").FillAsync(Password);
            await page.GetByLabel("Confirm password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create admin" }).ClickAsync();
            await ExpectOverviewAsync(page, sut.BaseAddress);

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Uri(sut.BaseAddress, "account/login").ToString());

            await SignInAsync(page, "Not-the-password-1");
            await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong email or password.");

            await SignInAsync(page, Password);
            await ExpectOverviewAsync(page, sut.BaseAddress);
        });
    }

    private static async Task SignInAsync(IPage page, string password)
    {
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync(Email);
        // A password input has no ARIA role, so its label is the accessible way to find it.
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private static async Task ExpectOverviewAsync(IPage page, Uri baseAddress)
    {
        await Expect(page).ToHaveURLAsync(baseAddress.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        // The circuit is up once the layout renders interactively; only then is the page live.
        await Expect(page.Locator("[data-interactive='true']")).ToBeVisibleAsync();
    }
}
