using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FrontierGateway.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FrontierGateway.Tests.E2E.Portal;

/// <summary>A customer sees and serves only its own group; a viewer sees everything and changes nothing.</summary>
public sealed class RolesJourneyTests
{
    private const float Timeout = 60_000;
    private const string Slug = "your-org/your-model";
    private const string Password = "Roles-journey-pass-1";
    private const string BootstrapKey = "fgwdevbootstrap0.dev-only-secret-change-me-0123456789abcdef";

    static RolesJourneyTests() => SetDefaultExpectTimeout(Timeout);

    [Fact]
    public async Task Roles_CustomerConfinedToItsGroup_ViewerCannotSave()
    {
        await using var sut = new SeededPortalServer();
        var own = await CreateGroupAsync(sut.BaseAddress, "Customer One", "cust_one");
        var other = await CreateGroupAsync(sut.BaseAddress, "Customer Two", "cust_two");
        // A group under its own: the customer's page then shows its groups beside the rest, in a narrower column.
        await CreateGroupAsync(sut.BaseAddress, "Customer One staging", "cust_one_staging", own);
        await AddUserAsync(sut, "customer@example.com", PortalRoles.Customer, own);
        await AddUserAsync(sut, "viewer@example.com", PortalRoles.Viewer, null);
        await using var chromium = await Chromium.LaunchAsync();

        var customer = await SignInAsync(chromium, sut.BaseAddress, "customer@example.com");
        try
        {
            await Expect(customer.GetByRole(AriaRole.Heading, new() { Name = "Customer One", Level = 1 })).ToBeVisibleAsync();
            Assert.DoesNotContain("Customer Two", await customer.ContentAsync());
            await customer.GetByRole(AriaRole.Textbox, new() { Name = "Key name" }).FillAsync("self-served");
            await customer.GetByRole(AriaRole.Button, new() { Name = "Mint key" }).ClickAsync();
            var dialog = customer.GetByRole(AriaRole.Dialog);
            var apiKey = await dialog.GetByRole(AriaRole.Textbox, new() { Name = "API key" }).InputValueAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
            Assert.Equal(200, await Inference.ChatStatusAsync(sut.BaseAddress, apiKey, Slug));
            await ExpectKeyFormReadableAsync(customer);

            await customer.GotoAsync($"groups/{other}");
            await Expect(customer.GetByText("You do not have access to this page.")).ToBeVisibleAsync();
            await customer.GotoAsync($"my/groups/{other}");
            await Expect(customer.GetByText("You do not have access to this page.")).ToBeVisibleAsync();
            await customer.GotoAsync("billing/deliveries");
            await Expect(customer.GetByText("You do not have access to this page.")).ToBeVisibleAsync();
            await customer.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("Roles_Customer"), FullPage = true });

            var viewer = await SignInAsync(chromium, sut.BaseAddress, "viewer@example.com");
            await viewer.GotoAsync($"groups/{own}");
            await viewer.WaitForSelectorAsync("[data-interactive='true']");
            await viewer.GetByRole(AriaRole.Tab, new() { Name = "Limits", Exact = true }).ClickAsync();
            await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Save limits" })).ToBeDisabledAsync();
            await viewer.GetByRole(AriaRole.Tab, new() { Name = "Keys", Exact = true }).ClickAsync();
            await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Mint key" })).ToBeDisabledAsync();
            await viewer.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("Roles_Viewer"), FullPage = true });
        }
        catch
        {
            await customer.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("Roles-failed"), FullPage = true });
            throw;
        }
    }

    /// <summary>At every width, the expiry label is whole and the key's name stays on one line.</summary>
    private static async Task ExpectKeyFormReadableAsync(IPage page)
    {
        var label = page.Locator("label", new() { HasText = "Expires on (UTC)" });
        var name = page.GetByRole(AriaRole.Cell, new() { Name = "self-served" });
        foreach (var width in new[] { 1280, 900, 700, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await Expect(name).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath($"Roles_KeyForm-{width}") });
            Assert.False(await Layout.IsLabelHiddenAsync(label), $"The expiry label is cut off at {width} px.");
        }
        foreach (var width in new[] { 1280, 900, 700, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await Expect(name).ToBeVisibleAsync();
            Assert.True(await Layout.LineCountAsync(name) == 1, $"The key's name wraps at {width} px.");
        }
        await page.SetViewportSizeAsync(1280, 800);
    }

    private static async Task<IPage> SignInAsync(Chromium chromium, Uri baseAddress, string email)
    {
        var context = await chromium.Browser.NewContextAsync(new()
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        page.SetDefaultNavigationTimeout(Timeout);
        await Journey.SignInAsync(page, email, Password);
        await page.WaitForSelectorAsync("[data-interactive='true']");
        return page;
    }

    private static async Task<string> CreateGroupAsync(Uri baseAddress, string name, string external, string? parent = null)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", BootstrapKey);
        using var response = await client.PostAsync("v1/gateway/groups", new StringContent($$"""
            {"metadata":{"name":"{{name}}","external_entity_id":"{{external}}"},"models":[{"slug":"{{Slug}}"}],
             "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":{{(parent is null ? "null" : $"\"{parent}\"")}}} }
            """, Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["id"]!.GetValue<string>();
    }

    private static async Task AddUserAsync(SeededPortalServer server, string email, string role, string? groupId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, GroupId = groupId };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
    }
}
