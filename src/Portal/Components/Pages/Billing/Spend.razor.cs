using FrontierGateway.Data;
using FrontierGateway.Data.Usage;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Billing;

/// <summary>Spend per group, key or model over a period of UTC days, from the costs stored on usage events.</summary>
public sealed partial class Spend
{
    [Inject] public required SpendService Spending { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    private DateRange range = new();
    private SpendReport? report;
    private string? error;
    private bool loading;
    private int activeTab;

    private Task TabChangedAsync(int index)
    {
        activeTab = index;
        return LoadAsync();
    }

    private SpendDimension By => (SpendDimension)activeTab;

    private string Dimension => By switch { SpendDimension.Group => "Group", SpendDimension.Key => "Key", _ => "Model" };

    protected override Task OnInitializedAsync() => PresetAsync(7);

    private Task PresetAsync(int days)
    {
        var today = Time.GetUtcNow().UtcDateTime.Date;
        range = new DateRange(today.AddDays(1 - days), today);
        return LoadAsync();
    }

    private async Task LoadAsync()
    {
        loading = true;
        error = null;
        try
        {
            var today = Time.GetUtcNow().UtcDateTime.Date;
            var from = DateTime.SpecifyKind((range.Start ?? today).Date, DateTimeKind.Utc);
            var to = DateTime.SpecifyKind((range.End ?? range.Start ?? today).Date.AddDays(1), DateTimeKind.Utc);
            report = await Spending.GetAsync(By, from, to);
        }
        catch (DomainException e)
        {
            error = e.Message;
        }
        finally
        {
            loading = false;
        }
        StateHasChanged();
    }
}
