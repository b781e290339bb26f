using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FrontierGateway.Tests.E2E.Portal;

public sealed partial class GroupsJourneyTests
{
    // Generous: two shared cores, a cold host and a cold browser.
    private const float Timeout = 60_000;
    private const string Seeded = "your-org/your-model";

    private const string ScreenshotName = nameof(Groups_AdminJourney_CreatesLimitsAndKeys);

    static GroupsJourneyTests() => SetDefaultExpectTimeout(Timeout);

    [GeneratedRegex("^Threshold$")]
    private static partial Regex ThresholdLabel();

    [Fact]
    public async Task Groups_AdminJourney_CreatesLimitsAndKeys()
    {
        await using var sut = new SeededPortalServer();
        await using var chromium = await Chromium.LaunchAsync();
        await using var context = await chromium.Browser.NewContextAsync(new()
        {
            BaseURL = sut.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 800 },
        });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = sut.BaseAddress.ToString().TrimEnd('/') });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        page.SetDefaultNavigationTimeout(Timeout);
        await Journey.RecordAsync(page, ScreenshotName, async () =>
        {
            await SignInAsync(page);

            await OpenAsync(page, "groups");
            await Expect(page.GetByText("No groups yet — create the first")).ToBeVisibleAsync();
            await CreateRootAsync(page);
            await CreateChildAsync(page);

            await page.GetByRole(AriaRole.Link, new() { Name = "Acme prod", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Acme prod", Level = 1 })).ToBeVisibleAsync();
            var groupUrl = page.Url;

            await EditLimitsAsync(page);
            await ExpectEffectiveLimitsAsync(page, groupUrl);
            var apiKey = await MintAndCopyAsync(page);
            Assert.Equal(200, await Inference.ChatStatusAsync(sut.BaseAddress, apiKey, Seeded));
            await ReloadAndRevokeAsync(page, apiKey);
            Assert.Equal(401, await Inference.ChatStatusAsync(sut.BaseAddress, apiKey, Seeded));
        });
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Limits", Exact = true }).ClickAsync();
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath(ScreenshotName + "-mobile"), FullPage = true });
    }

    private static async Task SignInAsync(IPage page)
    {
        await Journey.SignInAsync(page, SeededPortalServer.AdminEmail, SeededPortalServer.AdminPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>Blazor ignores clicks until the circuit is interactive; the layout says when it is.</summary>
    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitInteractiveAsync(page);
    }

    private static Task WaitInteractiveAsync(IPage page) =>
        Expect(page.Locator("[data-interactive='true']")).ToBeVisibleAsync();

    private static async Task CreateRootAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "New root group" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("Acme");
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "External id" }).FillAsync("cust_acme");
        // One of the endpoints' slugs, picked from the suggestions.
        await dialog.GetByRole(AriaRole.Combobox, new() { Name = "Model slug" }).FillAsync("your-org");
        await page.GetByRole(AriaRole.Option, new() { Name = Seeded }).ClickAsync();
        await Expect(dialog.GetByText(Seeded, new() { Exact = true })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByText("Group “Acme” created")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Acme", Exact = true })).ToBeVisibleAsync();
    }

    private static async Task CreateChildAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Add child to Acme" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByText("New child of Acme")).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("Acme prod");
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "External id" }).FillAsync("cust_acme_prod");
        await Expect(dialog.GetByText("Inherited from Acme")).ToBeVisibleAsync();
        // A slug with no endpoint yet: free text.
        await dialog.GetByRole(AriaRole.Combobox, new() { Name = "Model slug" }).FillAsync("acme/chat-small");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add slug" }).ClickAsync();
        await Expect(dialog.GetByText("acme/chat-small", new() { Exact = true })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByText("Group “Acme prod” created")).ToBeVisibleAsync();

        // Straight on to the new child's own button, which the parent's tooltip used to cover.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add child to Acme prod" }).ClickAsync(new() { Timeout = 5_000 });
        await Expect(dialog.GetByText("New child of Acme prod")).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
    }

    private static async Task EditLimitsAsync(IPage page)
    {
        // The child was created with its parent's slug, pre-selected, first; then its own.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Remove slug {Seeded}" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rate limit" }).First.ClickAsync();

        var threshold = page.GetByRole(AriaRole.Textbox, new() { NameRegex = ThresholdLabel() });
        var field = page.Locator(".mud-input-control", new() { Has = threshold });
        await threshold.FillAsync("0");
        await Expect(field).ToContainTextAsync("A whole number of at least 1");
        await threshold.FillAsync("1.5M");
        await Expect(field).Not.ToContainTextAsync("A whole number of at least 1");
        await Expect(field).ToContainTextAsync("= 1,500,000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save limits" }).ClickAsync();
        await Expect(page.GetByText("Limits saved")).ToBeVisibleAsync();
        await Expect(threshold).ToHaveValueAsync("1,500,000");
    }

    private static async Task ExpectEffectiveLimitsAsync(IPage page, string groupUrl)
    {
        await page.GetByRole(AriaRole.Tab, new() { Name = "Effective limits" }).ClickAsync();
        var panel = page.GetByRole(AriaRole.Tabpanel);
        await Expect(panel.GetByText("Tokens per minute")).ToBeVisibleAsync();
        await Expect(panel.GetByText("1,500,000")).ToBeVisibleAsync();
        var source = panel.GetByRole(AriaRole.Link, new() { Name = "Acme prod" });
        await Expect(source).ToHaveAttributeAsync("href", new Uri(groupUrl).AbsolutePath.TrimStart('/'));
    }

    private static async Task<string> MintAndCopyAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Tab, new() { Name = "Keys" }).ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Key name" }).FillAsync("e2e-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mint key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByText("will not be shown again")).ToBeVisibleAsync();
        var apiKey = await dialog.GetByRole(AriaRole.Textbox, new() { Name = "API key" }).InputValueAsync();
        Assert.Matches(@"^[A-Za-z0-9]{16}\.\S{32,}$", apiKey);

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Copy key" }).ClickAsync();
        await Expect(page.GetByText("Copied", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal(apiKey, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        return apiKey;
    }

    private static async Task ReloadAndRevokeAsync(IPage page, string apiKey)
    {
        var prefix = apiKey[..16];
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Keys" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = prefix, Exact = true })).ToBeVisibleAsync();
        Assert.DoesNotContain(apiKey[17..], await page.ContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke key {prefix}" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm.GetByText("cannot be undone")).ToBeVisibleAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByText($"Key {prefix} revoked")).ToBeVisibleAsync();
        // Greyed, with when and by whom, and no button; the switch hides it.
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = prefix, Exact = true }) });
        await Expect(row).ToContainTextAsync($"by {SeededPortalServer.AdminEmail}");
        await Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await page.GetByLabel("Show revoked keys (1)").UncheckAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = prefix, Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByText("No live keys.")).ToBeVisibleAsync();
    }
}
