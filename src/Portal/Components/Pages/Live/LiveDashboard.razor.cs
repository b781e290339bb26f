using FrontierGateway.Data.Endpoints;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Portal.Components.Shared;
using FrontierGateway.Portal.Overview;
using Microsoft.AspNetCore.Components;

namespace FrontierGateway.Portal.Components.Pages.Live;

/// <summary>
/// Requests, tokens, 429s and latency of the data plane, now and over the last minutes, for the workspace, a
/// group, a slug or both: read once a second from <see cref="ILiveUsageSource"/> (memory, never the database).
/// The filters live in the query string (<c>?group=&amp;slug=</c>) so that a view can be linked to.
/// </summary>
public sealed partial class LiveDashboard
{
    private static readonly int[] Windows = [60, 300, 900];

    private IReadOnlyList<GroupChoice> groups = [];
    private IReadOnlyList<string> slugs = [];
    private int window = 300;
    private LiveView view = null!;
    private ChartData requestsChart = null!;
    private ChartData tokensChart = null!;
    private ChartData refusalsChart = null!;
    private ChartData latencyChart = null!;

    [Inject] public required ILiveUsageSource Live { get; init; }

    [Inject] public required WorkspaceOverview Overview { get; init; }

    [Inject] public required EndpointService Endpoints { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [SupplyParameterFromQuery(Name = "group")] public string? GroupId { get; set; }

    [SupplyParameterFromQuery(Name = "slug")] public string? Slug { get; set; }

    private GroupChoice? SelectedGroup => groups.FirstOrDefault(g => g.Id == GroupId);

    private string ScopeText => (SelectedGroup, Slug) switch
    {
        (null, null) => "Whole workspace",
        ({ } group, null) => group.Label,
        (null, { } slug) => slug,
        ({ } group, { } slug) => $"{group.Label} · {slug}",
    };

    private string WindowText => window < 120 ? "minute" : $"{window / 60} minutes";

    protected override async Task OnInitializedAsync()
    {
        // Something to show before the filters' choices arrive: the page renders while they load.
        Refresh();
        // The filters' choices come from the database when the page opens and when a group is searched;
        // the numbers and charts come from memory only.
        groups = await Overview.ListGroupsAsync();
        slugs = await Endpoints.ListSlugsAsync();
    }

    protected override void OnParametersSet() => Refresh();

    protected override void Refresh()
    {
        view = Live.Query(new LiveFilter(SelectedGroup?.Id, Slug), window);
        var start = view.Start * 1000;
        requestsChart = new ChartData(start, 1000, [new("Requests/s", Values(view.Requests))]);
        tokensChart = new ChartData(start, 1000, [new("Tokens/min", Values(view.TokensPerMinute))]);
        refusalsChart = new ChartData(start, 1000,
            [new("429s/min", Values(view.RefusedPerMinute)), new("Upstream errors/min", Values(view.FailedPerMinute))]);
        latencyChart = new ChartData(start, 1000, [new("p50", view.P50Ms), new("p99", view.P99Ms)]);
    }

    private static double?[] Values(long[] values) => Array.ConvertAll(values, v => (double?)v);

    private async Task<IEnumerable<GroupChoice>> SearchGroupsAsync(string? text, CancellationToken ct)
    {
        groups = await Overview.ListGroupsAsync(ct);
        return string.IsNullOrWhiteSpace(text)
            ? groups
            : groups.Where(g => g.Label.Contains(text, StringComparison.OrdinalIgnoreCase) || g.Id == text);
    }

    private void OnGroupChanged(GroupChoice? group) => Filter(group?.Id, Slug);

    private void OnSlugChanged(string? slug) => Filter(GroupId, slug);

    private void OnWindowChanged(int seconds)
    {
        window = seconds;
        Refresh();
    }

    private void Filter(string? group, string? slug) => Navigation.NavigateTo(
        Navigation.GetUriWithQueryParameters(new Dictionary<string, object?> { ["group"] = group, ["slug"] = slug }),
        replace: true);
}
