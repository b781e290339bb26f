using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Shared;

/// <summary>Shows a secret (a key, an invite link) the one time it exists in plain text, with a copy button.</summary>
public sealed partial class RevealOnceDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Parameter, EditorRequired]
    public required string Title { get; set; }

    [Parameter, EditorRequired]
    public required string Value { get; set; }

    [Parameter]
    public string? Intro { get; set; }

    [Inject]
    public required IJSRuntime JS { get; set; }

    [Inject]
    public required ISnackbar Snackbar { get; set; }

    /// <summary>Opens the dialog; it can only be closed with its button, so a stray click cannot lose the value.</summary>
    public static Task<IDialogReference> ShowAsync(IDialogService dialogs, string title, string value, string? intro) =>
        dialogs.ShowAsync<RevealOnceDialog>(title,
            new DialogParameters<RevealOnceDialog>
            {
                { d => d.Title, title },
                { d => d.Value, value },
                { d => d.Intro, intro },
            },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false });

    private async Task CopyAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", Value);
            Snackbar.Add("Copied", Severity.Success);
        }
        catch (JSException)
        {
            // Clipboard access needs a secure context or permission; the value stays visible to copy by hand.
            Snackbar.Add("Could not copy: select the text and copy it by hand.", Severity.Warning);
        }
    }
}
