using Bunit;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Components.Pages.Groups;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Groups;

/// <summary>Issue 14, item 18: today's requests and tokens beside each node of the tree.</summary>
public sealed class GroupTreeTodayTests : PortalTest
{
    [Fact]
    public async Task Render_GroupsWithCallsToday_EachNodeShowsItsOwnRequestsAndTokens()
    {
        await SignInAsync(PortalRoles.Admin);
        var acme = await CreateGroupAsync("cust_acme", name: "Acme");
        var child = await CreateGroupAsync("cust_acme_eu", acme.Id, name: "Europe");
        var now = Time.GetUtcNow().UtcDateTime;
        await QueryAsync(async db =>
        {
            db.UsageEvents.AddRange(
                Event(child.Id, now, 1000, 234), Event(child.Id, now, 10, 5), Event(acme.Id, now, 7, 3),
                Event(acme.Id, now.Date.AddSeconds(-1), 99_999, 0));
            return await db.SaveChangesAsync();
        });
        RenderProviders();

        var sut = Render<GroupsPage>();

        sut.WaitForAssertion(() =>
        {
            Assert.NotNull(sut.Find("[aria-label='Today: 2 requests · 1,249 tokens today']"));
            Assert.NotNull(sut.Find("[aria-label='Today: 1 request · 10 tokens today']"));
        });
    }

    private static UsageEvent Event(string group, DateTime at, long input, long output) => new()
    {
        IdempotencyKey = Ids.NewUlid(), Timestamp = at, RequestId = "req_" + Ids.NewUlid(), ModelSlug = "org/m",
        GroupId = group, ExternalEntityId = group, ApiKeyPrefix = "prefix0000000000", InputTokens = input, OutputTokens = output,
    };
}
