using FrontierGateway.Data.Usage;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;

namespace FrontierGateway.Portal.Components.Shared;

/// <summary>
/// A group's stored usage (completed calls and their tokens) over the last hour, minute by minute, or the last
/// day, hour by hour; read from the usage events when shown and when the period changes.
/// </summary>
public sealed partial class UsageHistoryChart
{
    private UsageHistoryRange range = UsageHistoryRange.LastHour;
    private string? loadedFor;
    private ChartData? requests;
    private ChartData? tokens;
    private long totalRequests;
    private long totalTokens;
    private bool denied;

    [Inject] public required UsageHistoryService History { get; init; }

    [Inject] public required PortalAccess Access { get; init; }

    [Parameter, EditorRequired] public required string GroupId { get; set; }

    [Parameter] public string Title { get; set; } = "Usage";

    private string Subtitle => requests is null
        ? "Completed calls, from the stored usage events"
        : $"{LiveFormat.Count(totalRequests)} calls · {LiveFormat.Count(totalTokens)} tokens in the last {(range == UsageHistoryRange.LastHour ? "hour" : "day")}";

    private string TimeFormat => range == UsageHistoryRange.LastHour ? "HH:mm" : "dd MMM HH:00";

    protected override async Task OnParametersSetAsync()
    {
        if (loadedFor != GroupId)
        {
            await LoadAsync();
        }
    }

    private async Task OnRangeChangedAsync(UsageHistoryRange value)
    {
        range = value;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        loadedFor = GroupId;
        // Customers see their own subtree only; the rule is checked here, on the server, whatever page hosts this.
        denied = !await Access.CanSeeGroupAsync(GroupId);
        if (denied)
        {
            return;
        }
        var buckets = await History.GetAsync(GroupId, range);
        var start = new DateTimeOffset(buckets[0].Start).ToUnixTimeMilliseconds();
        var step = (long)(range == UsageHistoryRange.LastHour ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1)).TotalMilliseconds;
        requests = new ChartData(start, step, [new("Requests", buckets.Select(b => (double?)b.Requests).ToList())]);
        tokens = new ChartData(start, step, [new("Tokens", buckets.Select(b => (double?)b.Tokens).ToList())]);
        totalRequests = buckets.Sum(b => b.Requests);
        totalTokens = buckets.Sum(b => b.Tokens);
    }
}
