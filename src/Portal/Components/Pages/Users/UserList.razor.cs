using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Users;

/// <summary>Portal users: Admins invite, change roles and remove; Viewers read.</summary>
public sealed partial class UserList
{
    private List<PortalUserView>? users;

    [Inject]
    public required UserAdminService UserAdmin { get; set; }

    [Inject]
    public required NavigationManager Navigation { get; set; }

    protected override async Task LoadAsync() => users = CanRead ? await UserAdmin.ListAsync() : [];

    private async Task InviteAsync()
    {
        var dialog = await Dialogs.ShowAsync<InviteDialog>((string?)null,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false });
        if (await dialog.Result is { Canceled: false, Data: InviteLink invite })
        {
            await LoadAsync();
            await RevealAsync(invite, $"Invite for {invite.User.Email} ({invite.User.Role}) created");
        }
    }

    private Task RenewAsync(PortalUserView user) => AsAdminAsync(async admin =>
        await RevealAsync(await UserAdmin.RenewInviteAsync(admin, user.Id), $"New invite link for {user.Email}"));

    private async Task ChangeRoleAsync(PortalUserView user)
    {
        var dialog = await Dialogs.ShowAsync<ChangeRoleDialog>(null,
            new DialogParameters<ChangeRoleDialog> { { d => d.User, user } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false });
        if (await dialog.Result is { Canceled: false, Data: PortalUserView changed })
        {
            Snackbar.Add($"{changed.Email} is now {changed.Role}", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task RemoveAsync(PortalUserView user)
    {
        if (!await ConfirmAsync("Remove user?", $"{user.Email} can no longer sign in. The audit log keeps what they did.", "Remove"))
        {
            return;
        }
        if (await AsAdminAsync(admin => UserAdmin.RemoveAsync(admin, user.Id)))
        {
            Snackbar.Add($"{user.Email} removed", Severity.Success);
        }
        await LoadAsync();
    }

    private async Task RevealAsync(InviteLink invite, string intro)
    {
        var link = Navigation.ToAbsoluteUri(invite.RelativeUrl).ToString();
        await RevealOnceDialog.ShowAsync(Dialogs, "Invite link", new RevealedSecret(link, "Invite link"),
            $"{intro}. Send this link to them: it sets their password once, then stops working.");
    }

    private static Color RoleColor(string role) => role switch
    {
        PortalRoles.Admin => Color.Primary,
        PortalRoles.Viewer => Color.Info,
        _ => Color.Secondary,
    };
}
