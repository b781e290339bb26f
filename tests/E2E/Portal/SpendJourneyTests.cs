using FrontierGateway.Data;
using FrontierGateway.Data.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FrontierGateway.Tests.E2E.Portal;

public sealed class SpendJourneyTests
{
    [Fact]
    public async Task Spend_PricesSetInThePortal_GroupSpendMatchesTheHandComputedCostOfItsCalls()
    {
        await using var journey = await OperatorJourney.StartAsync();
        using var api = new WorkspaceApi(journey.Server);
        var page = journey.Page;
        await Journey.RecordAsync(page, nameof(Spend_PricesSetInThePortal_GroupSpendMatchesTheHandComputedCostOfItsCalls), async () =>
        {
            await journey.SignInAsync();
            await journey.OpenAsync("Endpoints", "Endpoints");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Edit {api.Slug}" }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await dialog.GetByLabel("Currency").FillAsync("USD");
            await dialog.GetByLabel("Input per million").FillAsync("2.50");
            await dialog.GetByLabel("Output per million").FillAsync("10");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();

            // Calls of known size: the cost by hand is Σ (prompt × 2.50 + completion × 10) / 1,000,000.
            var group = await api.CreateGroupAsync("Spend journey");
            var key = await api.MintKeyAsync(group);
            var expected = 0m;
            foreach (var text in new[] { "Hello", "What is the capital of France?", "Write a haiku about gateways." })
            {
                var (status, prompt, completion) = await api.ChatAsync(key, text);
                Assert.Equal(200, status);
                expected += (prompt * 2.50m + completion * 10m) / 1_000_000m;
            }
            await WaitForEventsAsync(journey.Server, group, 3);

            await journey.OpenAsync("Spend", "Spend");
            await page.GetByRole(AriaRole.Button, new() { Name = "Today" }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Spend journey" });
            await Expect(row).ToContainTextAsync($"{ModelPrice.Format(expected)} USD");
            await Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("3");
            await Expect(page.GetByLabel("Total USD")).ToHaveTextAsync($"{ModelPrice.Format(expected)} USD");
        });
    }

    /// <summary>The write-behind stores events within a second; the spend is read from them.</summary>
    private static async Task WaitForEventsAsync(SeededPortalServer server, string group, int count)
    {
        var factory = server.Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync();
            if (await db.UsageEvents.CountAsync(e => e.GroupId == group) >= count)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"fewer than {count} usage events for {group}");
    }
}
