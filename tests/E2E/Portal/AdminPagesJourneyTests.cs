using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FrontierGateway.Tests.E2E.Portal;

public sealed class AdminPagesJourneyTests
{
    private const string Slug = "e2e-org/e2e-model";
    private const string ViewerEmail = "e2e.viewer@example.com";
    private const string ViewerPassword = "E2e-viewer-password-1";

    // Generous: two shared cores, a cold host and a cold browser.
    private const float Timeout = 60_000;

    private const string ScreenshotName = nameof(AdminJourney_EndpointKeyInviteViewer_AuditedAndReadOnly);

    static AdminPagesJourneyTests() => SetDefaultExpectTimeout(Timeout);

    [Fact]
    public async Task AdminJourney_EndpointKeyInviteViewer_AuditedAndReadOnly()
    {
        await using var sut = new SeededPortalServer();
        await using var chromium = await Chromium.LaunchAsync();
        await using var adminContext = await chromium.Browser.NewContextAsync(new()
        {
            BaseURL = sut.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 800 },
        });
        await adminContext.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = sut.BaseAddress.ToString().TrimEnd('/') });
        var page = await NewPageAsync(adminContext);
        IPage? viewerPage = null;
        try
        {
            await SignInAsync(page, SeededPortalServer.AdminEmail, SeededPortalServer.AdminPassword);

            await OpenAsync(page, "Endpoints");
            await page.GetByRole(AriaRole.Button, new() { Name = "New endpoint" }).ClickAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Slug" }).FillAsync(Slug);
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Base URL" }).FillAsync("http://127.0.0.1:9/v1");
            await page.GetByLabel("Upstream secret (API key)").FillAsync("sk-e2e-upstream");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = Slug });
            await Expect(row).ToContainTextAsync("secret set");
            await Expect(page.GetByText($"Endpoint {Slug} created")).ToBeVisibleAsync();

            await OpenAsync(page, "Workspace keys");
            await page.GetByRole(AriaRole.Button, new() { Name = "New key" }).ClickAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Name" }).FillAsync("e2e-key");
            await page.GetByRole(AriaRole.Button, new() { Name = "Mint key" }).ClickAsync();
            var key = await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Textbox, new() { Name = "Workspace key" }).InputValueAsync();
            Assert.Matches("^[A-Za-z0-9]{16}\\.[A-Za-z0-9]{32,}$", key);
            await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
            await Expect(page.GetByText("Copied", new() { Exact = true })).ToBeVisibleAsync();
            Assert.Equal(key, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "e2e-key" })).ToContainTextAsync(key![..16]);

            await OpenAsync(page, "Users");
            await page.GetByRole(AriaRole.Button, new() { Name = "Invite user" }).ClickAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync(ViewerEmail);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create invite" }).ClickAsync();
            var link = await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Textbox, new() { Name = "Invite link" }).InputValueAsync();
            Assert.StartsWith(sut.BaseAddress + "account/accept-invite?user=", link);
            await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = ViewerEmail })).ToContainTextAsync("Invite pending");

            // The invited viewer, in a browser of their own.
            await using var viewerContext = await chromium.Browser.NewContextAsync(new() { BaseURL = sut.BaseAddress.ToString() });
            viewerPage = await NewPageAsync(viewerContext);
            await viewerPage.GotoAsync(link!);
            await Expect(viewerPage.GetByText(ViewerEmail)).ToBeVisibleAsync();
            await viewerPage.GetByLabel("Password (10 characters or more)").FillAsync(ViewerPassword);
            await viewerPage.GetByLabel("Confirm password").FillAsync(ViewerPassword);
            await viewerPage.GetByRole(AriaRole.Button, new() { Name = "Set password and sign in" }).ClickAsync();
            await Expect(viewerPage).ToHaveURLAsync(sut.BaseAddress.ToString());
            await Expect(viewerPage.Locator("[data-interactive='true']")).ToBeVisibleAsync();
            await Expect(viewerPage.GetByText(ViewerEmail)).ToBeVisibleAsync();
            await OpenAsync(viewerPage, "Endpoints");
            await Expect(viewerPage.GetByRole(AriaRole.Row).Filter(new() { HasText = Slug })).ToBeVisibleAsync();
            await Expect(viewerPage.GetByRole(AriaRole.Button, new() { Name = "New endpoint" })).ToBeDisabledAsync();
            await Expect(viewerPage.GetByRole(AriaRole.Button, new() { Name = $"Delete {Slug}" })).ToBeDisabledAsync();
            await viewerPage.GetByRole(AriaRole.Button, new() { Name = $"View {Slug}" }).ClickAsync();
            await Expect(viewerPage.GetByRole(AriaRole.Button, new() { Name = "Save" })).ToBeDisabledAsync();
            await viewerPage.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath(ScreenshotName + "-viewer"), FullPage = true });

            await OpenAsync(page, "Audit log");
            // Unfiltered, the development seed's own endpoint.create by system:seed is listed too.
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "system:seed" }).First).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Actor" }).FillAsync("e2e.admin");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Action" }).FillAsync("endpoint.create");
            // Each filter applies on the server after a short debounce: wait until both have taken effect.
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "system:seed" })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "user.invite" })).ToHaveCountAsync(0);
            var audit = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "endpoint.create" });
            await Expect(audit).ToHaveCountAsync(1);
            await Expect(audit).ToContainTextAsync($"user:{SeededPortalServer.AdminEmail}");
            await audit.ClickAsync();
            await Expect(page.Locator(".json-block").Last).ToContainTextAsync(Slug);
        }
        catch
        {
            // The pages as they were are the quickest clue; a failing screenshot must not hide the real failure.
            await Journey.TryScreenshotAsync(page, ScreenshotName + "-failed");
            if (viewerPage is not null)
            {
                await Journey.TryScreenshotAsync(viewerPage, ScreenshotName + "-viewer-failed");
            }
            throw;
        }
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath(ScreenshotName), FullPage = true });
    }

    private static async Task<IPage> NewPageAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        page.SetDefaultNavigationTimeout(Timeout);
        return page;
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await Journey.SignInAsync(page, email, password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-interactive='true']")).ToBeVisibleAsync();
    }

    /// <summary>Follows the navigation link and waits until the page is live.</summary>
    private static async Task OpenAsync(IPage page, string name)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-interactive='true']")).ToBeVisibleAsync();
    }
}
