using FrontierGateway.Data;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Components.Pages.My;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Shared.Groups;

/// <summary>A group's customer keys: mint (shown once), list, revoke. Used by operators and by customers.</summary>
public sealed partial class GroupKeys
{
    [Inject] public required KeyService Keys { get; init; }
    [Inject] public required PortalAccess Access { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    [Parameter, EditorRequired] public required string GroupId { get; set; }

    /// <summary>A slug the group may call, for the first-call example shown with a minted key.</summary>
    [Parameter] public string? Slug { get; set; }

    private readonly Dictionary<string, string> errors = [];
    private IReadOnlyList<KeyView> keys = [];
    private bool loaded;
    private bool canManage;
    private bool denied;
    private bool busy;
    private string? name;
    private DateTime? expiryDate;
    private TimeSpan? expiryTime;

    private bool showRevoked = true;

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    /// <summary>The keys the table shows: revoked ones greyed, unless the switch hides them.</summary>
    private IEnumerable<KeyView> Shown => showRevoked ? keys : keys.Where(k => k.RevokedAt is null);

    private int RevokedCount => keys.Count(k => k.RevokedAt is not null);

    /// <summary>Who is looking: a customer is not shown who else changed their keys.</summary>
    private PortalPrincipal? viewer;

    /// <summary>
    /// An audit actor as people read it: a portal user by their email. A customer sees their own email, and otherwise
    /// only what kind of actor it was: an operator's email or a workspace key's prefix is not theirs to see.
    /// </summary>
    private string Actor(string actor) => (viewer, actor) switch
    {
        ({ IsCustomer: true } v, _) when actor == v.Actor => v.Email,
        ({ IsCustomer: true }, _) when actor.StartsWith("api_key:", StringComparison.Ordinal) => "the management API",
        ({ IsCustomer: true }, _) => "another portal user",
        _ when actor.StartsWith("user:", StringComparison.Ordinal) => actor[5..],
        _ => actor,
    };

    private string? loadedFor;

    protected override async Task OnParametersSetAsync()
    {
        if (loadedFor == GroupId)
        {
            return;
        }
        (loaded, loadedFor) = (false, GroupId);
        errors.Clear();
        viewer = await Access.FindAsync();
        denied = !await Access.CanSeeGroupAsync(GroupId);
        canManage = !denied && await Access.CanManageKeysAsync(GroupId);
        if (!denied)
        {
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        await Access.EnsureCanSeeGroupAsync(GroupId);
        keys = await Keys.ListAllAsync(GroupId, includeRevoked: true);
        loaded = true;
    }

    internal async Task MintAsync()
    {
        errors.Clear();
        busy = true;
        try
        {
            if (await Access.AuthorizeKeysAsync(GroupId) is not { } principal)
            {
                return;
            }
            // The pickers give a wall-clock date and time; they are meant as UTC.
            DateTime? expires = expiryDate is { } day
                ? DateTime.SpecifyKind(day.Date + (expiryTime ?? TimeSpan.Zero), DateTimeKind.Utc)
                : null;
            var minted = await Keys.MintAsync(GroupId,
                new KeyCreateInput(string.IsNullOrWhiteSpace(name) ? null : name.Trim(), expires), principal.Actor);
            (name, expiryDate, expiryTime) = (null, null, null);
            await LoadAsync();
            await ShowOnceAsync(minted);
        }
        catch (DomainException e) when (e.Param is "name" or "expires_at")
        {
            errors[e.Param] = e.Message;
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    private Task ShowOnceAsync(MintedKeyView minted) => RevealOnceDialog.ShowAsync(Dialogs, "API key minted",
        new RevealedSecret(minted.ApiKey, "API key", "Copy key", "The gateway keeps only a hash of it."),
        $"Prefix {minted.Prefix}{(minted.Name is { Length: > 0 } ? $" · {minted.Name}" : "")} · "
        + (minted.ExpiresAt is { } at ? $"expires {TimeText.Utc(at)}" : "never expires"),
        builder =>
        {
            // The first call, ready to paste with this very key: the one moment the portal can show it.
            builder.OpenComponent<HowToCall>(0);
            builder.AddComponentParameter(1, nameof(HowToCall.ApiKey), minted.ApiKey);
            builder.AddComponentParameter(2, nameof(HowToCall.Slug), Slug ?? "your-org/your-model");
            builder.CloseComponent();
        });

    internal async Task RevokeAsync(KeyView key)
    {
        var label = key.Name is { Length: > 0 } ? $"{key.Prefix} ({key.Name})" : key.Prefix;
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke key?",
            $"Key {label} stops working on its next request. This cannot be undone.", yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        busy = true;
        try
        {
            if (await Access.AuthorizeKeysAsync(GroupId) is not { } principal)
            {
                return;
            }
            await Keys.RevokeAsync(GroupId, key.Prefix, principal.Actor);
            Snackbar.Add($"Key {key.Prefix} revoked", Severity.Success);
            await LoadAsync();
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }
}
