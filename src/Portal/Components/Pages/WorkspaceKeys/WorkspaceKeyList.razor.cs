using FrontierGateway.Data;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.WorkspaceKeys;

public sealed partial class WorkspaceKeyList
{
    private List<WorkspaceKeyView>? keys;
    private PortalPrincipal? principal;

    private bool CanEdit => principal?.IsAdmin == true;

    [Inject]
    public required WorkspaceKeyService WorkspaceKeys { get; set; }

    [Inject]
    public required PortalAccess Access { get; set; }

    [Inject]
    public required IDialogService Dialogs { get; set; }

    [Inject]
    public required ISnackbar Snackbar { get; set; }

    protected override async Task OnInitializedAsync()
    {
        principal = await Access.GetAsync();
        keys = principal.IsCustomer ? [] : await WorkspaceKeys.ListAsync();
    }

    private async Task MintAsync()
    {
        var dialog = await Dialogs.ShowAsync<MintWorkspaceKeyDialog>((string?)null,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: MintWorkspaceKeyDialog.MintRequest request })
        {
            return;
        }
        try
        {
            var admin = await Access.EnsureAdminAsync();
            var (apiKey, view) = await WorkspaceKeys.MintAsync(request.Name, request.Scope, admin.Actor);
            keys = await WorkspaceKeys.ListAsync();
            await RevealOnceDialog.ShowAsync(Dialogs, "Workspace key created", apiKey,
                $"The {view.Scope} key {view.Prefix} is ready. Use it as Authorization: Api-Key <key>.");
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        catch (UnauthorizedAccessException)
        {
            Snackbar.Add("Only an Admin can mint workspace keys.", Severity.Error);
        }
    }

    private async Task RevokeAsync(WorkspaceKeyView key)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke workspace key?",
            $"Programs using {key.Prefix} ({key.Name ?? "unnamed"}) are refused from their next call. This cannot be undone.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        try
        {
            var admin = await Access.EnsureAdminAsync();
            await WorkspaceKeys.RevokeAsync(key.Prefix, admin.Actor);
            Snackbar.Add($"Key {key.Prefix} revoked", Severity.Success);
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        catch (UnauthorizedAccessException)
        {
            Snackbar.Add("Only an Admin can revoke workspace keys.", Severity.Error);
        }
        keys = await WorkspaceKeys.ListAsync();
    }
}
