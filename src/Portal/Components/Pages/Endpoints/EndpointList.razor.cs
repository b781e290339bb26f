using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Paging;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Endpoints;

public sealed partial class EndpointList
{
    private List<EndpointView>? endpoints;
    private PortalPrincipal? principal;

    private bool CanEdit => principal?.IsAdmin == true;

    [Inject]
    public required EndpointService Endpoints { get; set; }

    [Inject]
    public required PortalAccess Access { get; set; }

    [Inject]
    public required IDialogService Dialogs { get; set; }

    [Inject]
    public required ISnackbar Snackbar { get; set; }

    protected override async Task OnInitializedAsync()
    {
        principal = await Access.GetAsync();
        // The page's attribute keeps Customers out; the data stays out of reach even if one got here.
        if (principal.IsCustomer)
        {
            endpoints = [];
            return;
        }
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var all = new List<EndpointView>();
        Page<EndpointView> page;
        var request = new PageRequest(PageRequest.MaxLimit, null);
        do
        {
            page = await Endpoints.ListAsync(request);
            all.AddRange(page.Items);
            request = request with { After = page.Items.Count > 0 ? page.Items[^1].Id : null };
        }
        while (page.HasMore);
        endpoints = [.. all.OrderBy(e => e.Slug, StringComparer.OrdinalIgnoreCase)];
    }

    private Task CreateAsync() => OpenAsync(null);

    private Task EditAsync(EndpointView endpoint) => OpenAsync(endpoint);

    private async Task OpenAsync(EndpointView? endpoint)
    {
        var dialog = await Dialogs.ShowAsync<EndpointDialog>(null,
            new DialogParameters<EndpointDialog> { { d => d.Endpoint, endpoint }, { d => d.ReadOnly, !CanEdit } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, BackdropClick = false });
        if (await dialog.Result is { Canceled: false, Data: EndpointView saved })
        {
            Snackbar.Add(endpoint is null ? $"Endpoint {saved.Slug} created" : $"Endpoint {saved.Slug} saved", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task DeleteAsync(EndpointView endpoint)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete endpoint?",
            $"Calls to {endpoint.Slug} stop being routed anywhere. This cannot be undone.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        try
        {
            var admin = await Access.EnsureAdminAsync();
            await Endpoints.DeleteAsync(endpoint.Id, admin.Actor);
            Snackbar.Add($"Endpoint {endpoint.Slug} deleted", Severity.Success);
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        catch (UnauthorizedAccessException)
        {
            Snackbar.Add("Only an Admin can delete endpoints.", Severity.Error);
        }
        await LoadAsync();
    }

    private static Color ProviderColor(string provider) => provider switch
    {
        "SIMULATED" => Color.Secondary,
        "BASETEN" => Color.Tertiary,
        "OPENAI" => Color.Success,
        _ => Color.Primary,
    };
}
