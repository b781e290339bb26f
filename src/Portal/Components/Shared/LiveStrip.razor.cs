using FrontierGateway.Gateway.Metering;
using Microsoft.AspNetCore.Components;

namespace FrontierGateway.Portal.Components.Shared;

/// <summary>The workspace's requests/s and 429s/min, refreshed every second from <see cref="ILiveUsageSource"/>.</summary>
public sealed partial class LiveStrip
{
    private LiveTotals totals;

    [Inject] public required ILiveUsageSource Live { get; init; }

    protected override void OnInitialized() => Refresh();

    protected override void Refresh() => totals = Live.Query(LiveFilter.Workspace, LiveView.RateSeconds).Totals;
}
