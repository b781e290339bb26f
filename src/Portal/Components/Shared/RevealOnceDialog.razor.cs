using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Shared;

/// <summary>A dialog around <see cref="RevealOnce"/>, for a secret that has just been created.</summary>
public sealed partial class RevealOnceDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Parameter, EditorRequired]
    public required string Title { get; set; }

    [Parameter, EditorRequired]
    public required RevealedSecret Secret { get; set; }

    [Parameter]
    public string? Intro { get; set; }

    /// <summary>Shown under the value while the dialog is open, such as how to use it.</summary>
    [Parameter]
    public RenderFragment? After { get; set; }

    /// <summary>Opens the dialog; it can only be closed with its button, so a stray click cannot lose the value.</summary>
    public static Task<IDialogReference> ShowAsync(IDialogService dialogs, string title, RevealedSecret secret, string? intro,
        RenderFragment? after = null) =>
        dialogs.ShowAsync<RevealOnceDialog>(title,
            new DialogParameters<RevealOnceDialog>
            {
                { d => d.Title, title },
                { d => d.Secret, secret },
                { d => d.Intro, intro },
                { d => d.After, after },
            },
            new DialogOptions { MaxWidth = after is null ? MaxWidth.Small : MaxWidth.Medium, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false });
}

/// <summary>What <see cref="RevealOnce"/> shows: the value, the label that names it, the copy button's text, a note.</summary>
public sealed record RevealedSecret(string Value, string Label, string CopyLabel = "Copy", string? Note = null);
