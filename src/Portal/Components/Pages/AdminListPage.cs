using FrontierGateway.Data;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages;

/// <summary>
/// A workspace list that Admins edit and Viewers read (endpoints, workspace keys, users): who is looking, the
/// confirmation before a destructive action, and admin actions whose refusals become a snackbar.
/// </summary>
public abstract class AdminListPage : ComponentBase
{
    [Inject]
    public required PortalAccess Access { get; set; }

    [Inject]
    public required IDialogService Dialogs { get; set; }

    [Inject]
    public required ISnackbar Snackbar { get; set; }

    protected PortalPrincipal? Principal { get; private set; }

    protected bool CanEdit => Principal?.IsAdmin == true;

    /// <summary>The page's attribute keeps Customers out; the data stays out of their reach even if one got here.</summary>
    protected bool CanRead => Principal is { IsCustomer: false };

    protected override async Task OnInitializedAsync()
    {
        Principal = await Access.GetAsync();
        await LoadAsync();
    }

    /// <summary>(Re)reads the list; an empty one for a reader who may not see it (<see cref="CanRead"/>).</summary>
    protected abstract Task LoadAsync();

    protected async Task<bool> ConfirmAsync(string title, string message, string yes) =>
        await Dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: "Cancel") == true;

    /// <summary>
    /// Runs <paramref name="action"/> as the signed-in Admin, checked again on the server; a refusal or a domain
    /// error is shown in a snackbar. True when the action ran to its end.
    /// </summary>
    protected async Task<bool> AsAdminAsync(Func<PortalPrincipal, Task> action)
    {
        try
        {
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is not { } admin)
            {
                return false;
            }
            await action(admin);
            return true;
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
            return false;
        }
    }
}
