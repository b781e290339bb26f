using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;

namespace FrontierGateway.Portal.Components.Pages.My;

/// <summary>
/// A customer's self-service: its group and the groups under it, each with keys, limits, usage and how to call.
/// An operator may open <c>/my/groups/{id}</c> to see what that group's customer sees.
/// </summary>
public sealed partial class MyGroupPage
{
    [Inject] public required GroupService Groups { get; init; }
    [Inject] public required PortalAccess Access { get; init; }

    [Parameter] public string? Id { get; set; }

    private IReadOnlyList<GroupNode> nodes = [];
    private Dictionary<string, string> names = [];
    private GroupView? group;
    private string? notice;
    private bool denied;

    private GroupNode Selected => nodes.First(n => n.Id == group!.Id);

    protected override async Task OnParametersSetAsync()
    {
        (group, notice, denied) = (null, null, false);
        var principal = await Access.GetAsync();
        var root = principal.IsCustomer ? principal.GroupId : Id;
        if (root is null)
        {
            notice = principal.IsCustomer
                ? "Your account is not bound to a group yet: ask your operator."
                : "This page is what a customer sees. Operators manage groups under Groups.";
            return;
        }
        var selected = Id ?? root;
        if (!await Access.CanSeeGroupAsync(selected))
        {
            denied = true;
            return;
        }
        try
        {
            nodes = await Groups.ListTreeAsync(root);
            names = nodes.ToDictionary(n => n.Id, n => n.DisplayName);
            group = await Groups.GetAsync(selected);
        }
        catch (DomainException e) when (e.Status == 404)
        {
            notice = "This group no longer exists.";
        }
    }
}
