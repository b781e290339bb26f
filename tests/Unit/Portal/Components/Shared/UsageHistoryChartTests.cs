using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Components.Shared;

namespace FrontierGateway.Tests.Unit.Portal.Components.Shared;

public sealed class UsageHistoryChartTests : PortalTest
{
    private static UsageEvent Event(string group, DateTime at, long tokens) => new()
    {
        IdempotencyKey = Ulid.NewUlid().ToString(),
        Timestamp = at,
        RequestId = "req_" + Guid.NewGuid().ToString("N"),
        ModelSlug = "acme/chat",
        GroupId = group,
        ExternalEntityId = group,
        ApiKeyPrefix = "prefix0000000000",
        InputTokens = tokens,
    };

    private async Task AddEventsAsync(params UsageEvent[] events) => await QueryAsync(async db =>
    {
        db.UsageEvents.AddRange(events);
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task Render_Admin_ChartsTheGroupsStoredCallsAndTokens()
    {
        var group = await CreateGroupAsync("acme");
        var now = DateTime.UtcNow;
        await AddEventsAsync(Event(group.Id, now.AddMinutes(-3), 100), Event(group.Id, now.AddMinutes(-2), 20),
            Event(group.Id, now.AddHours(-5), 7), Event("grp_other", now.AddMinutes(-1), 1_000));
        await SignInAsync(PortalRoles.Admin);
        RenderProviders();

        var sut = Render<UsageHistoryChart>(p => p.Add(c => c.GroupId, group.Id));

        sut.WaitForAssertion(() => Assert.Contains("2 calls · 120 tokens in the last hour", sut.Markup));
        Assert.Equal(2, sut.FindComponents<LiveChart>().Count);
    }

    [Fact]
    public async Task LastDay_Chosen_ReloadsHourlyBuckets()
    {
        var group = await CreateGroupAsync("acme");
        await AddEventsAsync(Event(group.Id, DateTime.UtcNow.AddMinutes(-3), 100), Event(group.Id, DateTime.UtcNow.AddHours(-5), 7));
        await SignInAsync(PortalRoles.Viewer);
        RenderProviders();
        var sut = Render<UsageHistoryChart>(p => p.Add(c => c.GroupId, group.Id));
        sut.WaitForAssertion(() => Assert.Contains("in the last hour", sut.Markup));

        await sut.InvokeAsync(() => sut.FindAll("button").Single(b => b.TextContent.Contains("Last day")).Click());

        sut.WaitForAssertion(() => Assert.Contains("2 calls · 107 tokens in the last day", sut.Markup));
        var data = sut.FindComponents<LiveChart>()[0].Instance.Data;
        Assert.Equal(24, data.Series[0].Values.Count);
        Assert.Equal(3_600_000, data.Step);
    }

    [Fact]
    public async Task Render_CustomerOfAnotherGroup_IsDeniedAndSeesNoNumbers()
    {
        var own = await CreateGroupAsync("own");
        var other = await CreateGroupAsync("other");
        await AddEventsAsync(Event(other.Id, DateTime.UtcNow.AddMinutes(-1), 555));
        await SignInAsync(PortalRoles.Customer, own.Id);
        RenderProviders();

        var sut = Render<UsageHistoryChart>(p => p.Add(c => c.GroupId, other.Id));

        sut.WaitForAssertion(() => Assert.Contains("You do not have access", sut.Markup));
        Assert.DoesNotContain("555", sut.Markup);
        Assert.Empty(sut.FindComponents<LiveChart>());
    }
}
