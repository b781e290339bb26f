using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FrontierGateway.Tests.E2E.Portal;

public sealed class RequestLogJourneyTests
{
    [Fact]
    public async Task RequestLog_CallOverTheDailyLimit_Shows429WithTheLimitThatRefusedIt()
    {
        await using var journey = await OperatorJourney.StartAsync();
        using var api = new WorkspaceApi(journey.Server);
        var page = journey.Page;
        await Journey.RecordAsync(page, nameof(RequestLog_CallOverTheDailyLimit_Shows429WithTheLimitThatRefusedIt), async () =>
        {
            var group = await api.CreateGroupAsync("Log journey", dailyRequests: 1);
            var key = await api.MintKeyAsync(group);
            Assert.Equal(200, (await api.ChatAsync(key)).Status);
            Assert.Equal(429, (await api.ChatAsync(key)).Status);
            await journey.SignInAsync();

            await journey.OpenAsync("Request log", "Request log");
            await page.GetByLabel("Group id").FillAsync(group);
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            // Rows are written behind the calls, within a second or two: search again until they are in.
            var refused = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "429" });
            for (var attempt = 0; attempt < 60 && await refused.CountAsync() == 0; attempt++)
            {
                await page.WaitForTimeoutAsync(500);
                await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            }
            await Expect(refused).ToHaveCountAsync(1);

            await Expect(refused).ToContainTextAsync("1 REQUEST per DAY");
            await Expect(refused.GetByRole(AriaRole.Link, new() { Name = "limit of Log journey" })).ToBeVisibleAsync();
            await Expect(refused).ToContainTextAsync(key[..16]);
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "200" })).ToHaveCountAsync(1);
        });
    }
}
