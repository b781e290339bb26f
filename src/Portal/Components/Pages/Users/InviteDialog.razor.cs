using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Users;

/// <summary>Creates the invited user; closes with the <see cref="InviteLink"/> for the page to reveal once.</summary>
public sealed partial class InviteDialog
{
    private string? email;
    private string? role = PortalRoles.Viewer;
    private GroupOption? group;
    private DomainException? error;
    private string? generalError;
    private bool saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    public required UserAdminService UserAdmin { get; set; }

    [Inject]
    public required PortalAccess Access { get; set; }

    private string? ErrorFor(string param) => error?.Param == param ? error.Message : null;

    private async Task InviteAsync()
    {
        saving = true;
        (error, generalError) = (null, null);
        try
        {
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is not { } admin)
            {
                return;
            }
            var invite = await UserAdmin.InviteAsync(admin, new InviteInput(email, role, group?.Id));
            Dialog.Close(DialogResult.Ok(invite));
        }
        catch (DomainException e)
        {
            error = e;
            generalError = e.Param is "email" or "role" or "group_id" ? null : e.Message;
        }
        finally
        {
            saving = false;
        }
    }
}
