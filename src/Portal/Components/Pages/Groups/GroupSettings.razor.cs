using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Groups;

/// <summary>Renames a group, or deletes it with its subtree after saying what goes with it.</summary>
public sealed partial class GroupSettings
{
    [Inject] public required GroupService Groups { get; init; }
    [Inject] public required PortalAccess Access { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    [Parameter, EditorRequired] public required GroupView Group { get; set; }
    [Parameter, EditorRequired] public required GroupNode Node { get; set; }
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public EventCallback<GroupView> OnRenamed { get; set; }

    private GroupView? shown;
    private string name = "";
    private string? nameError;
    private bool busy;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(shown, Group))
        {
            (shown, name, nameError) = (Group, Group.Metadata.Name ?? "", null);
        }
    }

    internal async Task RenameAsync()
    {
        nameError = null;
        busy = true;
        try
        {
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is not { } principal)
            {
                return;
            }
            var view = await Groups.PatchAsync(Group.Id, new GroupPatchInput(new MetadataInput(name.Trim(), null), null, null),
                principal.Actor);
            Snackbar.Add("Group renamed", Severity.Success);
            await OnRenamed.InvokeAsync(view);
        }
        catch (DomainException e)
        {
            nameError = e.Message;
        }
        finally
        {
            busy = false;
        }
    }

    internal async Task DeleteAsync()
    {
        busy = true;
        try
        {
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is null)
            {
                return;
            }
            var preview = await Groups.DeletePreviewAsync(Group.Id);
            var dialog = await Dialogs.ShowAsync<DeleteGroupDialog>($"Delete {preview.Group.DisplayName}?",
                new DialogParameters<DeleteGroupDialog> { { d => d.Preview, preview } },
                new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
            if (await dialog.Result is not { Canceled: false })
            {
                return;
            }
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is not { } principal)
            {
                return;
            }
            await Groups.DeleteAsync(Group.Id, principal.Actor);
            var groups = preview.Descendants.Count + 1;
            Snackbar.Add($"Deleted {groups} group{(groups == 1 ? "" : "s")} and revoked {preview.KeysToRevoke} "
                + $"key{(preview.KeysToRevoke == 1 ? "" : "s")}", Severity.Success);
            Navigation.NavigateTo("groups");
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }
}
