using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Shared;

/// <summary>
/// Shows a secret (a customer key, a workspace key, a webhook secret, an invite link) the one time it exists in plain
/// text. When the browser refuses the clipboard (no secure context, no permission) the field's text is selected and
/// the user is told to copy it by hand.
/// </summary>
public sealed partial class RevealOnce
{
    private static readonly Dictionary<string, object> TestId = new() { ["data-testid"] = "revealed-value" };

    private MudTextField<string>? field;
    private bool copyRefused;

    [Parameter, EditorRequired] public required string Value { get; set; }

    /// <summary>The field's label, which names the secret: "API key", "Signing secret".</summary>
    [Parameter, EditorRequired] public required string Label { get; set; }

    [Parameter] public string CopyLabel { get; set; } = "Copy";

    /// <summary>A sentence after the warning, e.g. what the gateway keeps of the secret.</summary>
    [Parameter] public string? Note { get; set; }

    private async Task CopyRefusedAsync()
    {
        copyRefused = true;
        if (field is null)
        {
            return;
        }
        try
        {
            await field.FocusAsync();
            await field.SelectAsync();
        }
        catch (JSException)
        {
            // The message still says how to copy by hand.
        }
    }
}
