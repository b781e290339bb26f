using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Usage;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Groups;

/// <summary>The hierarchy as a tree, with search and creation of root and child groups.</summary>
public sealed partial class GroupsPage
{
    [Inject] public required GroupService Groups { get; init; }
    [Inject] public required EndpointService Endpoints { get; init; }
    [Inject] public required PortalAccess Access { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required GroupActivityService Activity { get; init; }

    private IReadOnlyList<GroupNode>? nodes;
    private List<TreeItemData<GroupNode>> items = [];
    private string? search;
    private bool isAdmin;
    private IReadOnlyDictionary<string, GroupToday> today = new Dictionary<string, GroupToday>();

    protected override async Task OnInitializedAsync()
    {
        var principal = await Access.GetAsync();
        if (principal.IsCustomer)
        {
            Navigation.NavigateTo("my");
            return;
        }
        isAdmin = principal.IsAdmin;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        nodes = await Groups.ListTreeAsync();
        today = await Activity.TodayAsync();
        items = GroupTreeItems.Build(nodes, search);
    }

    private void OnSearch(string? text)
    {
        search = text;
        items = GroupTreeItems.Build(nodes ?? [], search);
    }

    internal async Task CreateAsync(GroupNode? parent)
    {
        var parameters = new DialogParameters<CreateGroupDialog>
        {
            { d => d.Parent, parent },
            { d => d.Suggestions, await Endpoints.ListSlugsAsync() },
        };
        var title = parent is null ? "New root group" : $"New child of {parent.DisplayName}";
        var dialog = await Dialogs.ShowAsync<CreateGroupDialog>(title, parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.GetReturnValueAsync<GroupView>() is { } created)
        {
            Snackbar.Add($"Group “{created.Metadata.Name ?? created.Metadata.ExternalEntityId}” created", Severity.Success);
            await LoadAsync();
        }
    }
}
