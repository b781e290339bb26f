using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Components.Shared.Groups;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Groups;

/// <summary>One group for operators: limits, effective limits, usage, keys and settings.</summary>
public sealed partial class GroupPage
{
    [Inject] public required GroupService Groups { get; init; }
    [Inject] public required EndpointService Endpoints { get; init; }
    [Inject] public required PortalAccess Access { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    [Parameter] public required string Id { get; set; }

    /// <summary>The open tab, in the URL (<c>?tab=keys</c>): a reload keeps it, and a link can open it.</summary>
    [SupplyParameterFromQuery(Name = "tab")] public string? Tab { get; set; }

    /// <summary>The tabs' names in the URL, in the order the page shows them.</summary>
    internal static readonly string[] Tabs = ["limits", "effective", "usage", "keys", "settings"];

    private GroupView? group;
    private GroupNode? node;
    private Dictionary<string, string> names = [];
    private List<BreadcrumbItem> crumbs = [];
    private IReadOnlyList<string> slugs = [];
    private UsageBars? usageBars;
    private bool isAdmin;
    private bool denied;
    private bool missing;
    private string? loadedId;

    private int tabIndex;

    private void OnTabChanged(int index)
    {
        if (index != tabIndex)
        {
            tabIndex = index;
            Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("tab", Tabs[index]), replace: true);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        tabIndex = Math.Max(0, Array.IndexOf(Tabs, Tab?.ToLowerInvariant()));
        // Switching tabs changes only the query: the group stays loaded.
        if (loadedId == Id)
        {
            return;
        }
        loadedId = Id;
        (group, node, denied, missing) = (null, null, false, false);
        var principal = await Access.GetAsync();
        if (!await Access.CanSeeGroupAsync(Id))
        {
            denied = true;
            return;
        }
        if (principal.IsCustomer)
        {
            // Customers have their own view of the groups they may see.
            Navigation.NavigateTo($"my/groups/{Uri.EscapeDataString(Id)}");
            return;
        }
        isAdmin = principal.IsAdmin;
        try
        {
            slugs = await Endpoints.ListSlugsAsync();
            await ShowAsync(await Groups.GetAsync(Id));
        }
        catch (DomainException e) when (e.Status == 404)
        {
            missing = true;
        }
    }

    private async Task ShowAsync(GroupView view)
    {
        var nodes = await Groups.ListTreeAsync();
        var byId = nodes.ToDictionary(n => n.Id);
        names = nodes.ToDictionary(n => n.Id, n => n.DisplayName);
        node = byId.GetValueOrDefault(view.Id);
        crumbs = [new BreadcrumbItem("Groups", "groups")];
        var path = node is null ? [] : GroupChain.Walk(node, n => n.ParentGroupId, byId);
        path.Reverse();
        crumbs.AddRange(path.Select(n => new BreadcrumbItem(n.DisplayName, $"groups/{n.Id}", disabled: n.Id == view.Id)));
        group = view;
        if (usageBars is not null)
        {
            await usageBars.RefreshAsync();
        }
    }
}
