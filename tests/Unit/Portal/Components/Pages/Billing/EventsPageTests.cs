using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Portal.Components.Pages.Billing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Billing;

public sealed class EventsPageTests : PortalTest
{
    private DateTime Today => Time.GetUtcNow().UtcDateTime.Date;

    private Task SeedAsync(params int[] hours) => QueryAsync(async db =>
    {
        foreach (var hour in hours)
        {
            db.UsageEvents.Add(new UsageEvent
            {
                IdempotencyKey = FrontierGateway.Data.Ids.NewUlid(), Timestamp = Today.AddHours(hour), RequestId = $"req_{hour}",
                ModelSlug = "acme/chat", GroupId = "grp_x", ExternalEntityId = "cust_acme", ApiKeyPrefix = "evprefix00000001",
                InputTokens = 1234, OutputTokens = 5,
            });
        }
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task Render_TodaysEvents_NewestFirstWithReadableTimes()
    {
        await SignInAsync(PortalRoles.Admin);
        await SeedAsync(1, 3, 2);
        RenderProviders();

        var sut = Render<Events>();

        sut.WaitForAssertion(() => Assert.Equal(3, sut.FindAll("tbody tr").Count));
        var times = sut.FindAll("tbody tr td:first-child").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal([$"{Today:yyyy-MM-dd} 03:00:00", $"{Today:yyyy-MM-dd} 02:00:00", $"{Today:yyyy-MM-dd} 01:00:00"], times);
        Assert.Contains("1,234", sut.Markup);
    }

    [Fact]
    public async Task Render_Filter_IsADateRangePickerOfToday()
    {
        await SignInAsync(PortalRoles.Admin);
        RenderProviders();

        var sut = Render<Events>();

        var picker = sut.FindComponent<MudDateRangePicker>().Instance;
        Assert.Equal("Dates (UTC)", picker.Label);
        Assert.Equal((Today, Today), (picker.DateRange?.Start, picker.DateRange?.End));
        Assert.DoesNotContain("RFC 3339", sut.Markup);
    }

    [Fact]
    public async Task ListNewestFirstAsync_Paged_KeepsTheOrderAcrossTheCursor()
    {
        await SeedAsync(1, 2, 3, 4, 5);
        var sut = Services.GetRequiredService<EventQueryService>();
        var start = Today.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        // The whole day, events ahead of the clock included (the test may run just after midnight).
        var end = Today.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

        var first = await sut.ListNewestFirstAsync(new EventQueryInput(start, end, null, null, "2", null));
        var second = await sut.ListNewestFirstAsync(new EventQueryInput(null, null, null, null, "2", first.Cursor));
        var last = await sut.ListNewestFirstAsync(new EventQueryInput(null, null, null, null, "2", second.Cursor));

        Assert.Equal(["req_5", "req_4", "req_3", "req_2", "req_1"],
            first.Items.Concat(second.Items).Concat(last.Items).Select(e => e.RequestId));
        Assert.Null(last.Cursor);
    }
}
