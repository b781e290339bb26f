using System.Text.RegularExpressions;
using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Endpoints;

/// <summary>
/// Creates or edits an endpoint through <see cref="EndpointService"/>; a refusal stays in the dialog, shown next
/// to the field the domain names. Read-only for a Viewer.
/// </summary>
public sealed partial class EndpointDialog
{
    private EndpointForm form = new();
    private DomainException? error;
    private string? generalError;
    private bool saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The endpoint to edit; null to create one.</summary>
    [Parameter]
    public EndpointView? Endpoint { get; set; }

    [Parameter]
    public bool ReadOnly { get; set; }

    [Inject]
    public required EndpointService Endpoints { get; set; }

    [Inject]
    public required PortalAccess Access { get; set; }

    protected override void OnInitialized() =>
        form = Endpoint is null ? new EndpointForm() : EndpointForm.From(Endpoint);

    private string? ErrorFor(string param) => error?.Param == param ? error.Message : null;

    private async Task SaveAsync()
    {
        saving = true;
        error = null;
        generalError = null;
        try
        {
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is not { } admin)
            {
                return;
            }
            var saved = Endpoint is null
                ? await Endpoints.CreateAsync(form.ToInput(), admin.Actor)
                : await Endpoints.PatchAsync(Endpoint.Id, form.ToInput(), admin.Actor);
            Dialog.Close(DialogResult.Ok(saved));
        }
        catch (DomainException e)
        {
            error = e;
            // Errors about the whole list or a missing endpoint have no field of their own.
            generalError = e.Param is { } param && IsField(param) ? null : e.Message;
        }
        finally
        {
            saving = false;
        }
    }

    private bool IsField(string param) => param is "slug" or "price.currency" or "price.input_per_million" or "price.output_per_million"
        || (FieldPath().Match(param) is { Success: true } m && int.Parse(m.Groups[1].Value) < form.Targets.Count);

    [GeneratedRegex(@"^targets\[(\d+)\]\.(provider|base_url|target_model|model_id|environment_name|secret|weight|priority)$")]
    private static partial Regex FieldPath();
}
