using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Shared.Groups;

/// <summary>Today's usage against every daily limit of a group.</summary>
public sealed partial class UsageBars
{
    [Inject] public required GroupUsageService Usage { get; init; }
    [Inject] public required PortalAccess Access { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    [Parameter, EditorRequired] public required string GroupId { get; set; }
    [Parameter] public IReadOnlyDictionary<string, string> SourceNames { get; set; } = new Dictionary<string, string>();

    /// <summary>The tree's mode: it decides whose calls a bar counts (DailyCounters.MeteredOn).</summary>
    [Parameter] public bool Cascading { get; set; }

    private GroupUsageView? usage;
    private string? loadedFor;
    private bool denied;

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override async Task OnParametersSetAsync()
    {
        if (loadedFor != GroupId)
        {
            usage = null;
            await RefreshAsync();
        }
    }

    /// <summary>Reads today's usage again (the limits may have changed).</summary>
    public async Task RefreshAsync()
    {
        denied = !await Access.CanSeeGroupAsync(GroupId);
        usage = denied ? null : await Usage.GetAsync(GroupId);
        loadedFor = GroupId;
        StateHasChanged();
    }

    /// <summary>
    /// What the number counts. INDEPENDENT: this group's own calls, whoever set the limit. CASCADING: the pool of the
    /// group that set the limit, which every group under it draws on.
    /// </summary>
    internal string Metered(UsageLimitView limit)
    {
        var source = SourceNames.GetValueOrDefault(limit.SourceGroup) ?? "an ancestor";
        if (!Cascading)
        {
            return limit.SourceGroup == GroupId
                ? "this group's own calls"
                : $"this group's own calls, against the limit set on {source}";
        }
        return limit.SourceGroup == GroupId
            ? "shared pool: this group's calls and its descendants'"
            : $"shared pool of {source}: the calls of every group under it";
    }

    private static Color BarColor(double percent) => percent switch
    {
        >= 90 => Color.Error,
        >= 70 => Color.Warning,
        _ => Color.Success,
    };
}
