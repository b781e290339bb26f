using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace FrontierGateway.Portal.Components.Shared;

/// <summary>
/// An ApexCharts time chart (wwwroot/js/charts.js). Created after the first render; a new <see cref="Data"/>
/// object is pushed to the same chart (no re-create), so it can change every second.
/// </summary>
public sealed partial class LiveChart : IAsyncDisposable
{
    internal const string ModulePath = "./js/charts.js";

    private ElementReference element;
    private IJSObjectReference? module;
    private ChartData? shown;
    private bool disposed;

    [Inject] public required IJSRuntime JS { get; init; }

    /// <summary>The chart's accessible name.</summary>
    [Parameter, EditorRequired] public required string Label { get; set; }

    /// <summary>The values; pass a new object to redraw.</summary>
    [Parameter, EditorRequired] public required ChartData Data { get; set; }

    [Parameter] public ChartKind Kind { get; set; } = ChartKind.Area;

    [Parameter] public int Height { get; set; } = 220;

    /// <summary>Shown after values in tooltips ("ms", "req/s").</summary>
    [Parameter] public string? Unit { get; set; }

    /// <summary>Decimals shown for values under 100.</summary>
    [Parameter] public int Decimals { get; set; } = 1;

    /// <summary>One color per series: a MudBlazor palette name ("primary", "error") or a #hex color.</summary>
    [Parameter] public IReadOnlyList<string> Colors { get; set; } = ["primary"];

    /// <summary>A logarithmic value axis, for values that span orders of magnitude (latencies).</summary>
    [Parameter] public bool Logarithmic { get; set; }

    /// <summary>The tooltip's time format (ApexCharts' date format).</summary>
    [Parameter] public string TimeFormat { get; set; } = "HH:mm:ss";

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            var imported = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            if (disposed)
            {
                await imported.DisposeAsync();
                return;
            }
            module = imported;
            shown = Data;
            await module.InvokeVoidAsync("create", element, Config(), shown);
        }
        if (module is not null && !ReferenceEquals(shown, Data))
        {
            shown = Data;
            await module.InvokeVoidAsync("update", element, shown);
        }
    }

    private object Config() => new
    {
        type = Kind.ToString().ToLowerInvariant(),
        height = Height,
        unit = Unit,
        decimals = Decimals,
        colors = Colors,
        logarithmic = Logarithmic,
        bucketFormat = TimeFormat,
    };

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        if (module is null)
        {
            return;
        }
        try
        {
            await module.InvokeVoidAsync("destroy", element);
            await module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the page with its chart.
        }
    }
}
