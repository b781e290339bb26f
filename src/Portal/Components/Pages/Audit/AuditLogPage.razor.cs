using FrontierGateway.Data.Audit;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Audit;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Audit;

/// <summary>The audit log, paged and filtered on the server by <see cref="AuditQueryService"/>.</summary>
public sealed partial class AuditLogPage
{
    private MudTable<AuditEntryView>? table;
    private string? actor;
    private string? action;
    private string? target;
    private DateRange? range;
    private long? expanded;

    [Inject]
    public required AuditQueryService Audit { get; set; }

    [Inject]
    public required PortalAccess Access { get; set; }

    [Inject]
    public required AuditTargets Targets { get; set; }

    private IReadOnlyDictionary<(string Type, string Id), AuditTarget> targets = new Dictionary<(string, string), AuditTarget>();

    /// <summary>The filter as the query takes it: whole UTC days, the end day included.</summary>
    internal AuditFilter Filter => new(actor, action, target,
        range?.Start is { } start ? DateTime.SpecifyKind(start.Date, DateTimeKind.Utc) : null,
        range?.End is { } end ? DateTime.SpecifyKind(end.Date.AddDays(1), DateTimeKind.Utc) : null);

    private async Task<TableData<AuditEntryView>> LoadAsync(TableState state, CancellationToken ct)
    {
        // Viewers and Admins read the log; a Customer sees nothing here as well as being kept out by the page's attribute.
        if ((await Access.GetAsync()).IsCustomer)
        {
            return new TableData<AuditEntryView> { Items = [], TotalItems = 0 };
        }
        var page = await Audit.QueryAsync(Filter, state.Page, state.PageSize, ct);
        targets = await Targets.NameAsync(page.Items, ct);
        return new TableData<AuditEntryView> { Items = page.Items, TotalItems = page.TotalCount };
    }

    private async Task FilterAsync(Action change)
    {
        var before = Filter;
        change();
        // A debounced field commits its value again on blur: only a real change reloads (and collapses the row).
        if (Filter == before)
        {
            return;
        }
        expanded = null;
        if (table is not null)
        {
            await table.ReloadServerData();
        }
    }

    private Task ClearAsync() => FilterAsync(() => (actor, action, target, range) = (null, null, null, null));

    private void Toggle(TableRowClickEventArgs<AuditEntryView> click)
    {
        if (click.Item is { } entry)
        {
            expanded = expanded == entry.Id ? null : entry.Id;
        }
    }

    private string RowClass(AuditEntryView entry, int index) => expanded == entry.Id ? "audit-row expanded" : "audit-row";

    private static Color ActionColor(string action) =>
        action.EndsWith(".delete", StringComparison.Ordinal) || action.EndsWith(".revoke", StringComparison.Ordinal) ? Color.Error
        : action.EndsWith(".create", StringComparison.Ordinal) || action.EndsWith(".invite", StringComparison.Ordinal) ? Color.Success
        : Color.Info;
}
