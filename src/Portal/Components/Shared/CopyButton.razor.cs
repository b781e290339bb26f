using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Shared;

/// <summary>Copies a text to the clipboard in the browser and says so; the portal's one call to the clipboard.</summary>
public sealed partial class CopyButton
{
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [Parameter, EditorRequired] public required string Text { get; set; }
    [Parameter] public string Label { get; set; } = "Copy";
    [Parameter] public string? AriaLabel { get; set; }

    /// <summary>What to do when the browser refuses; without it, a snackbar asks the user to copy by hand.</summary>
    [Parameter] public EventCallback OnRefused { get; set; }

    private async Task CopyAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", Text);
            Snackbar.Add("Copied", Severity.Success);
        }
        catch (JSException)
        {
            // No clipboard without a secure context or the user's permission; the text stays selectable.
            if (OnRefused.HasDelegate)
            {
                await OnRefused.InvokeAsync();
            }
            else
            {
                Snackbar.Add("The browser refused to copy: select the text and copy it by hand.", Severity.Warning);
            }
        }
    }
}
