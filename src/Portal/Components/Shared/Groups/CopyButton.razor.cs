using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Shared.Groups;

/// <summary>Copies a text to the clipboard in the browser and says so.</summary>
public sealed partial class CopyButton
{
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [Parameter, EditorRequired] public required string Text { get; set; }
    [Parameter] public string Label { get; set; } = "Copy";
    [Parameter] public string? AriaLabel { get; set; }

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
            Snackbar.Add("The browser refused to copy: select the text and copy it by hand.", Severity.Warning);
        }
    }
}
