using FrontierGateway.Data.Entities;
using FrontierGateway.Data;
using FrontierGateway.Data.Paging;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Billing;

public sealed partial class Deliveries
{
    private static readonly IReadOnlyList<string> Statuses = WireNames.All<DeliveryStatus>();

    [Inject] public required WebhookService Webhooks { get; init; }
    [Inject] public required PortalAccess Access { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    private readonly List<DeliveryView> items = [];
    private HashSet<DeliveryView> selected = [];
    private IReadOnlyDictionary<string, int>? health;
    private string? status;
    private string? cursor;
    private bool loading = true;
    private bool canManage;

    private IEnumerable<DeliveryView> Redeliverable => selected.Where(d => d.Status is DeliveryStatus.Dead or DeliveryStatus.Failed);

    protected override async Task OnInitializedAsync()
    {
        canManage = (await Access.GetAsync()).IsAdmin;
        await ReloadAsync();
    }

    private async Task FilterAsync(string? value)
    {
        status = value;
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        loading = true;
        items.Clear();
        selected = [];
        cursor = null;
        health = await Webhooks.HealthAsync();
        await LoadMoreAsync();
        loading = false;
    }

    private async Task LoadMoreAsync()
    {
        var page = await Webhooks.ListDeliveriesAsync(status, PageRequest.Parse("50", cursor));
        items.AddRange(page.Items);
        cursor = page.Cursor;
    }

    private async Task RedeliverSelectedAsync()
    {
        try
        {
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is not { } admin)
            {
                return;
            }
            var count = await Webhooks.RedeliverManyAsync([.. Redeliverable.Select(d => d.Id)], admin.Actor);
            Snackbar.Add($"{count} deliveries queued again.", Severity.Success);
            await ReloadAsync();
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
    }

    private async Task ShowPayloadAsync(string id)
    {
        var (_, payload) = await Webhooks.GetDeliveryAsync(id);
        var parameters = new DialogParameters<PayloadDialog> { { d => d.Json, payload } };
        await Dialogs.ShowAsync<PayloadDialog>("Payload", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true });
    }
}
