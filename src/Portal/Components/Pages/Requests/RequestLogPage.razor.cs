using FrontierGateway.Data;
using FrontierGateway.Data.Requests;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Requests;

/// <summary>The request log for the workspace, or one group (<c>?group=</c>), filterable, newest first.</summary>
public sealed partial class RequestLogPage
{
    [Inject] public required RequestLogService Log { get; init; }

    [Inject] public required IRequestLogStats Stats { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [SupplyParameterFromQuery(Name = "group")]
    public string? Group { get; set; }

    [SupplyParameterFromQuery(Name = "outcome")]
    public string? Outcome { get; set; }

    private readonly List<RequestLogRow> rows = [];
    private Dictionary<string, string> names = new(StringComparer.Ordinal);
    private RequestLogCursor? next;
    private string? groupId;
    private string? slug;
    private string? keyPrefix;
    private RequestOutcome outcome;
    private bool loading;

    protected override Task OnParametersSetAsync()
    {
        groupId = Group;
        outcome = Enum.TryParse<RequestOutcome>(Outcome, ignoreCase: true, out var parsed) ? parsed : RequestOutcome.All;
        return SearchAsync();
    }

    private async Task SearchAsync()
    {
        rows.Clear();
        next = null;
        await LoadMoreAsync();
    }

    private async Task LoadMoreAsync()
    {
        loading = true;
        try
        {
            // The log's retention, for metered calls too (their events are kept longer, for billing).
            var since = Time.GetUtcNow().UtcDateTime.AddHours(-Stats.RetentionHours);
            var page = await Log.ListAsync(new RequestLogFilter(Blank(groupId), Blank(slug), Blank(keyPrefix), outcome, next, Since: since));
            rows.AddRange(page.Rows);
            next = page.Next;
            foreach (var row in page.Rows)
            {
                names[row.GroupId] = row.GroupName;
            }
        }
        finally
        {
            loading = false;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Color StatusColor(int status) => status switch
    {
        < 400 => Color.Success,
        429 => Color.Warning,
        _ => Color.Error,
    };
}
