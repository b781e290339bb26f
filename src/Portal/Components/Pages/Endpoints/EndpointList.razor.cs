using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Paging;
using FrontierGateway.Data.Requests;
using FrontierGateway.Gateway.Inference;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Endpoints;

public sealed partial class EndpointList : IDisposable
{
    /// <summary>How often the targets' health is shown again (read from the proxy's memory, not the database).</summary>
    private static readonly TimeSpan HealthRefresh = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource disposed = new();
    private List<EndpointView>? endpoints;

    [Inject]
    public required EndpointService Endpoints { get; set; }

    [Inject]
    public required TargetHealth Health { get; set; }

    [Inject]
    public required EndpointHealthService CallHealth { get; set; }

    /// <summary>Each slug's calls over the last hour, from the request log.</summary>
    private IReadOnlyDictionary<string, EndpointHealth> calls = new Dictionary<string, EndpointHealth>();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _ = RefreshHealthAsync();
        }
    }

    private async Task RefreshHealthAsync()
    {
        using var timer = new PeriodicTimer(HealthRefresh);
        try
        {
            while (await timer.WaitForNextTickAsync(disposed.Token))
            {
                calls = await CallHealth.GetAsync(TimeSpan.FromHours(1), disposed.Token);
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => disposed.Cancel();

    protected override async Task LoadAsync()
    {
        if (!CanRead)
        {
            endpoints = [];
            return;
        }
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
        calls = await CallHealth.GetAsync(TimeSpan.FromHours(1));
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
        if (!await ConfirmAsync("Delete endpoint?",
            $"Calls to {endpoint.Slug} stop being routed anywhere. This cannot be undone.", "Delete"))
        {
            return;
        }
        if (await AsAdminAsync(admin => Endpoints.DeleteAsync(endpoint.Id, admin.Actor)))
        {
            Snackbar.Add($"Endpoint {endpoint.Slug} deleted", Severity.Success);
        }
        await LoadAsync();
    }

    private static string HealthText(TargetState state) => state.ToString().ToLowerInvariant();

    private static Color HealthColor(TargetState state) => state switch
    {
        TargetState.Healthy => Color.Success,
        TargetState.Unhealthy => Color.Error,
        _ => Color.Default,
    };

    private static string HealthIcon(TargetState state) => state switch
    {
        TargetState.Healthy => Icons.Material.Filled.CheckCircle,
        TargetState.Unhealthy => Icons.Material.Filled.Error,
        _ => Icons.Material.Filled.HelpOutline,
    };

    private static Color ProviderColor(ProviderKind provider) => provider switch
    {
        ProviderKind.Simulated => Color.Secondary,
        ProviderKind.Baseten => Color.Tertiary,
        ProviderKind.OpenAI => Color.Success,
        _ => Color.Primary,
    };
}
