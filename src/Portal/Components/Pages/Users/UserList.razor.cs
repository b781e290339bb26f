using FrontierGateway.Data;
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
    private PortalPrincipal? principal;

    private bool CanEdit => principal?.IsAdmin == true;

    [Inject]
    public required UserAdminService UserAdmin { get; set; }

    [Inject]
    public required PortalAccess Access { get; set; }

    [Inject]
    public required IDialogService Dialogs { get; set; }

    [Inject]
    public required ISnackbar Snackbar { get; set; }

    [Inject]
    public required NavigationManager Navigation { get; set; }

    protected override async Task OnInitializedAsync()
    {
        principal = await Access.GetAsync();
        users = principal.IsCustomer ? [] : await UserAdmin.ListAsync();
    }

    private async Task InviteAsync()
    {
        var dialog = await Dialogs.ShowAsync<InviteDialog>((string?)null,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false });
        if (await dialog.Result is { Canceled: false, Data: InviteLink invite })
        {
            users = await UserAdmin.ListAsync();
            await RevealAsync(invite, $"Invite for {invite.User.Email} ({invite.User.Role}) created");
        }
    }

    private async Task RenewAsync(PortalUserView user)
    {
        try
        {
            var admin = await Access.EnsureAdminAsync();
            await RevealAsync(await UserAdmin.RenewInviteAsync(admin, user.Id), $"New invite link for {user.Email}");
        }
        catch (Exception e) when (e is DomainException or UnauthorizedAccessException)
        {
            Snackbar.Add(Message(e), Severity.Error);
        }
    }

    private async Task ChangeRoleAsync(PortalUserView user)
    {
        var dialog = await Dialogs.ShowAsync<ChangeRoleDialog>(null,
            new DialogParameters<ChangeRoleDialog> { { d => d.User, user } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false });
        if (await dialog.Result is { Canceled: false, Data: PortalUserView changed })
        {
            Snackbar.Add($"{changed.Email} is now {changed.Role}", Severity.Success);
            users = await UserAdmin.ListAsync();
        }
    }

    private async Task RemoveAsync(PortalUserView user)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Remove user?",
            $"{user.Email} can no longer sign in. The audit log keeps what they did.",
            yesText: "Remove", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        try
        {
            var admin = await Access.EnsureAdminAsync();
            await UserAdmin.RemoveAsync(admin, user.Id);
            Snackbar.Add($"{user.Email} removed", Severity.Success);
        }
        catch (Exception e) when (e is DomainException or UnauthorizedAccessException)
        {
            Snackbar.Add(Message(e), Severity.Error);
        }
        users = await UserAdmin.ListAsync();
    }

    private async Task RevealAsync(InviteLink invite, string intro)
    {
        var link = Navigation.ToAbsoluteUri(invite.RelativeUrl).ToString();
        await RevealOnceDialog.ShowAsync(Dialogs, "Invite link", link,
            $"{intro}. Send this link to them: it sets their password once, then stops working.");
    }

    private static string Message(Exception e) =>
        e is UnauthorizedAccessException ? "Only an Admin can change users." : e.Message;

    private static Color RoleColor(string role) => role switch
    {
        PortalRoles.Admin => Color.Primary,
        PortalRoles.Viewer => Color.Info,
        _ => Color.Secondary,
    };
}
