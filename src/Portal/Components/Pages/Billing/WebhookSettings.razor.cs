using FrontierGateway.Data;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Billing;

public sealed partial class WebhookSettings
{
    [Inject] public required WebhookService Webhooks { get; init; }
    [Inject] public required PortalAccess Access { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    private WebhookView? webhook;
    private string? url;
    private bool enabled;
    private string? urlError;
    private string? revealed;
    private bool canManage;

    protected override async Task OnInitializedAsync()
    {
        canManage = (await Access.GetAsync()).IsAdmin;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        webhook = await Webhooks.GetAsync();
        (url, enabled) = (webhook.Url, webhook.Enabled);
    }

    private async Task SaveAsync()
    {
        urlError = null;
        await RunAsync(async actor =>
        {
            webhook = await Webhooks.PutAsync(new WebhookInput(string.IsNullOrWhiteSpace(url) ? null : url.Trim(), enabled), actor);
            Snackbar.Add("Webhook saved.", Severity.Success);
        });
    }

    private Task SendTestAsync() => RunAsync(async actor =>
    {
        await Webhooks.SendTestAsync(actor);
        Snackbar.Add("Test event queued: see the delivery log.", Severity.Info);
    });

    private Task AddSecretAsync() => RunAsync(async actor =>
    {
        revealed = (await Webhooks.AddSecretAsync(actor)).Secret;
        webhook = await Webhooks.GetAsync();
    });

    private async Task RetireAsync(string id)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Retire secret",
            $"Deliveries will no longer be signed with {id}. Make sure your receiver has the newer secret.", "Retire", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync(async actor =>
            {
                await Webhooks.RetireSecretAsync(id, actor);
                webhook = await Webhooks.GetAsync();
                Snackbar.Add("Secret retired.", Severity.Success);
            });
        }
    }

    /// <summary>Runs a change as the signed-in admin; a refusal names its field.</summary>
    private async Task RunAsync(Func<string, Task> change)
    {
        try
        {
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is { } admin)
            {
                await change(admin.Actor);
            }
        }
        catch (DomainException e) when (e.Param == "url")
        {
            urlError = e.Message;
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
    }
}
