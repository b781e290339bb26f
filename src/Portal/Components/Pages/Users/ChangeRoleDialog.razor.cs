using FrontierGateway.Data;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Users;

/// <summary>Changes a user's role (and a Customer's group); closes with the updated user.</summary>
public sealed partial class ChangeRoleDialog
{
    private string? role;
    private GroupOption? group;
    private DomainException? error;
    private string? generalError;
    private bool saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Parameter, EditorRequired]
    public required PortalUserView User { get; set; }

    [Inject]
    public required UserAdminService UserAdmin { get; set; }

    [Inject]
    public required PortalAccess Access { get; set; }

    protected override void OnInitialized() => (role, group) = (User.Role, User.Group);

    private string? ErrorFor(string param) => error?.Param == param ? error.Message : null;

    private async Task SaveAsync()
    {
        saving = true;
        (error, generalError) = (null, null);
        try
        {
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is not { } admin)
            {
                return;
            }
            Dialog.Close(DialogResult.Ok(await UserAdmin.ChangeRoleAsync(admin, User.Id, role, group?.Id)));
        }
        catch (DomainException e)
        {
            error = e;
            generalError = e.Param is "role" or "group_id" ? null : e.Message;
        }
        finally
        {
            saving = false;
        }
    }
}
