using Bunit;
using Bunit.TestDoubles;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Portal.Components.Pages.Live;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace FrontierGateway.Tests.Unit.Portal;

public sealed class LiveDashboardTests : IAsyncLifetime
{
    // Held, not inherited: MudBlazor's services must be disposed asynchronously, which xUnit 2 does not do.
    private readonly BunitContext context = new();
    private readonly ManualTime time = new();
    private readonly LiveUsage live;
    private TestDatabase database = null!;

    public LiveDashboardTests()
    {
        live = new LiveUsage(time);
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(live);
        // The stored-usage chart has its own access rules and database reads; here only its placement matters.
        context.ComponentFactories.AddStub<UsageHistoryChart>();
    }

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        context.Services.AddSingleton<IDbContextFactory<FrontierDbContext>>(database);
        await database.AddAsync(new Group { Id = "grp_acme", Name = "Acme", ExternalEntityId = "cust_42" });
    }

    public async Task DisposeAsync()
    {
        await context.DisposeAsync();
        await database.DisposeAsync();
    }

    private IRenderedComponent<LiveDashboard> RenderDashboard()
    {
        context.Render<MudPopoverProvider>();
        return context.Render<LiveDashboard>();
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
    public void Render_GroupInTheQuery_FiltersToThatGroup()
    {
        live.RecordCall("grp_acme", "org/m", 200, 10, TimeSpan.FromMilliseconds(5));
        live.RecordCall("grp_other", "org/m", 200, 10, TimeSpan.FromMilliseconds(5));
        time.AdvanceSeconds(1);
        context.Services.GetRequiredService<NavigationManager>().NavigateTo("live?group=grp_acme");

        var sut = RenderDashboard();

        Assert.Equal("0.1", Stat(sut, "Requests per second"));
        Assert.Contains("Acme (cust_42)", sut.Markup);
        var history = sut.FindComponent<Stub<UsageHistoryChart>>();
        Assert.Equal("grp_acme", history.Instance.Parameters.Get(c => c.GroupId));
    }
}
