using System.Globalization;
using FrontierGateway.Data.Requests;
using FrontierGateway.Data.Usage;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Limits;

/// <summary>Groups and keys closest to their daily limits, and the groups most refused lately.</summary>
public sealed partial class NearLimitsPage
{
    [Inject] public required NearLimitService NearLimits { get; init; }
    [Inject] public required RequestLogService RequestLog { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    private NearLimitReport? report;
    private IReadOnlyList<GroupRefusals> refusals = [];
    private int refusalHours = 1;
    private bool loading;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task WindowChangedAsync(int hours)
    {
        refusalHours = hours;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        loading = true;
        try
        {
            report = await NearLimits.GetAsync();
            refusals = await RequestLog.MostRefusedAsync(Time.GetUtcNow().UtcDateTime.AddHours(-refusalHours));
        }
        finally
        {
            loading = false;
        }
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static Color BarColor(double fraction) => fraction switch
    {
        >= 0.9 => Color.Error,
        >= 0.75 => Color.Warning,
        _ => Color.Primary,
    };
}
