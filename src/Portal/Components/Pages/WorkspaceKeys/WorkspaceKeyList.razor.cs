using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.WorkspaceKeys;

public sealed partial class WorkspaceKeyList
{
    private List<WorkspaceKeyView>? keys;

    [Inject]
    public required WorkspaceKeyService WorkspaceKeys { get; set; }

    protected override async Task LoadAsync() => keys = CanRead ? await WorkspaceKeys.ListAsync() : [];

    private async Task MintAsync()
    {
        var dialog = await Dialogs.ShowAsync<MintWorkspaceKeyDialog>((string?)null,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: MintWorkspaceKeyDialog.MintRequest request })
        {
            return;
        }
        await AsAdminAsync(async admin =>
        {
            var (apiKey, view) = await WorkspaceKeys.MintAsync(request.Name, request.Scope, admin.Actor);
            await LoadAsync();
            await RevealOnceDialog.ShowAsync(Dialogs, "Workspace key created", new RevealedSecret(apiKey, "Workspace key"),
                $"The {WireNames.Of(view.Scope)} key {view.Prefix} is ready. Use it as Authorization: Api-Key <key>.");
        });
    }

    private async Task RevokeAsync(WorkspaceKeyView key)
    {
        if (!await ConfirmAsync("Revoke workspace key?",
            $"Programs using {key.Prefix} ({key.Name ?? "unnamed"}) are refused from their next call. This cannot be undone.",
            "Revoke"))
        {
            return;
        }
        if (await AsAdminAsync(admin => WorkspaceKeys.RevokeAsync(key.Prefix, admin.Actor)))
        {
            Snackbar.Add($"Key {key.Prefix} revoked", Severity.Success);
        }
        await LoadAsync();
    }
}
