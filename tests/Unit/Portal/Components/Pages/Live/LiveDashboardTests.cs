using Bunit;
using Bunit.TestDoubles;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Portal.Components.Pages.Live;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Live;

public sealed class LiveDashboardTests : PortalTest
{
    private readonly ManualTime time = new();
    private readonly LiveUsage live;

    public LiveDashboardTests()
    {
        live = new LiveUsage(time);
        Services.AddSingleton<ILiveUsageSource>(live);
        // The stored-usage chart has tests of its own; here only its placement matters.
        ComponentFactories.AddStub<UsageHistoryChart>();
    }

    private IRenderedComponent<LiveDashboard> RenderDashboard()
    {
        RenderProviders();
        return Render<LiveDashboard>();
    }

    private static string Stat(IRenderedComponent<LiveDashboard> sut, string label) =>
        sut.Find($"section[aria-label='{label}'] .live-stat-value").TextContent.Trim();

    [Fact]
    public void Render_SeededTraffic_ShowsTheHeadlineNumbers()
    {
        for (var second = 0; second < 10; second++)
        {
            for (var call = 0; call < 3; call++)
            {
                live.RecordCall("grp_acme", "org/m", 200, 1_000, TimeSpan.FromMilliseconds(40));
            }
            live.RecordRefused("grp_acme", "org/m");
            time.AdvanceSeconds(1);
        }

        var sut = RenderDashboard();

        Assert.Equal("4", Stat(sut, "Requests per second"));
        Assert.Equal("30k", Stat(sut, "Tokens per minute"));
        Assert.Equal("10", Stat(sut, "429s per minute"));
        Assert.EndsWith(" ms", Stat(sut, "p50 latency"));
        Assert.Contains("Whole workspace", sut.Markup);
    }

    [Fact]
    public void Render_NoTraffic_ShowsZeroAndNoLatency()
    {
        var sut = RenderDashboard();

        Assert.Equal("0", Stat(sut, "Requests per second"));
        Assert.Equal("–", Stat(sut, "p99 latency"));
    }

    [Fact]
    public void EverySecond_NewTraffic_UpdatesTheNumbersWithoutNavigating()
    {
        var sut = RenderDashboard();
        Assert.Equal("0", Stat(sut, "Requests per second"));

        for (var call = 0; call < 5; call++)
        {
            live.RecordCall("grp_acme", "org/m", 200, 10, TimeSpan.FromMilliseconds(5));
        }
        time.AdvanceSeconds(1);

        sut.WaitForAssertion(() => Assert.Equal("0.5", Stat(sut, "Requests per second")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Render_GroupInTheQuery_FiltersToThatGroupAndShowsItsStoredUsage()
    {
        var acme = await CreateGroupAsync("cust_42", name: "Acme");
        live.RecordCall(acme.Id, "org/m", 200, 10, TimeSpan.FromMilliseconds(5));
        live.RecordCall("grp_other", "org/m", 200, 10, TimeSpan.FromMilliseconds(5));
        time.AdvanceSeconds(1);
        Services.GetRequiredService<NavigationManager>().NavigateTo($"live?group={acme.Id}");

        var sut = RenderDashboard();

        Assert.Equal("0.1", Stat(sut, "Requests per second"));
        Assert.Contains("Acme (cust_42)", sut.Markup);
        var history = sut.FindComponent<Stub<UsageHistoryChart>>();
        Assert.Equal(acme.Id, history.Instance.Parameters.Get(c => c.GroupId));
    }
}
