using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FrontierGateway.Tests.E2E.Portal;

public sealed class NearLimitsJourneyTests
{
    [Fact]
    public async Task NearLimits_GroupAt95PercentOfItsDailyLimit_RankedFirst_WithALinkToRaiseIt()
    {
        await using var journey = await OperatorJourney.StartAsync();
        using var api = new WorkspaceApi(journey.Server);
        var page = journey.Page;
        await Journey.RecordAsync(page, nameof(NearLimits_GroupAt95PercentOfItsDailyLimit_RankedFirst_WithALinkToRaiseIt), async () =>
        {
            // 19 of 20 is 95 %; the other group used more calls (30 of 60) but a smaller share of its limit.
            var near = await api.CreateGroupAsync("Nearly out", dailyRequests: 20);
            var busy = await api.CreateGroupAsync("Busy but fine", dailyRequests: 60);
            var nearKey = await api.MintKeyAsync(near);
            var busyKey = await api.MintKeyAsync(busy);
            for (var i = 0; i < 30; i++)
            {
                if (i < 19)
                {
                    Assert.Equal(200, (await api.ChatAsync(nearKey)).Status);
                }
                Assert.Equal(200, (await api.ChatAsync(busyKey)).Status);
            }
            await journey.SignInAsync();

            await journey.OpenAsync("Near limits", "Near limits");
            var table = page.GetByRole(AriaRole.Region, new() { Name = "Groups closest to a daily limit" });
            var rows = table.Locator("tbody").GetByRole(AriaRole.Row);
            await Expect(rows.First).ToContainTextAsync("Nearly out");
            await Expect(rows.First).ToContainTextAsync("95 %");
            await Expect(rows.First).ToContainTextAsync("19 / 20");
            await Expect(rows.Nth(1)).ToContainTextAsync("Busy but fine");

            await rows.First.GetByRole(AriaRole.Link, new() { Name = "Raise limit of Nearly out" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/groups/{near}$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nearly out", Level = 1 })).ToBeVisibleAsync();
        });
    }
}
