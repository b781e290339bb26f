using FrontierGateway.Data.Entities;
using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Groups;

/// <summary>Creates a root group, or a child that inherits its parent's enforcement mode.</summary>
public sealed partial class CreateGroupDialog
{
    private const string NameParam = "metadata.name";
    private const string ExternalParam = "metadata.external_entity_id";
    private const string ModeParam = "hierarchy.limit_enforcement";
    private const string OtherParam = "";

    [Inject] public required GroupService Groups { get; init; }
    [Inject] public required PortalAccess Access { get; init; }

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The parent of the new group; null for a root.</summary>
    [Parameter] public GroupNode? Parent { get; set; }
    [Parameter] public IReadOnlyList<string> Suggestions { get; set; } = [];

    private readonly Dictionary<string, string> errors = [];
    private readonly List<ModelDraft> drafts = [];
    private string? name;
    private string? externalId;
    private string mode = WireNames.Of(LimitEnforcement.Independent);
    private bool busy;

    private string ModeHelp => Parent is null
        ? "CASCADING: a child's calls also count against every ancestor's limits (shared pools)."
        : $"Inherited from {Parent.DisplayName}: a tree has one mode.";

    // Errors about the slugs (none given, a bad one) show at the picker; a limit's show at its own field.
    private string? SlugError => errors.FirstOrDefault(e => e.Key == "models"
        || (e.Key.StartsWith("models[", StringComparison.Ordinal) && !e.Key.Contains("_limits", StringComparison.Ordinal))).Value;

    protected override void OnParametersSet() => mode = Parent is null ? mode : WireNames.Of(Parent.LimitEnforcement);

    /// <summary>A child starts with the slugs its parent may call, which it inherits anyway: the API wants one at least.</summary>
    protected override async Task OnInitializedAsync()
    {
        if (Parent is not null)
        {
            var parent = await Groups.GetAsync(Parent.Id);
            drafts.AddRange(parent.EffectiveModels.Select(m => new ModelDraft { Slug = m.Slug }));
        }
    }

    private void AddSlug(string slug)
    {
        if (!drafts.Exists(d => d.Slug == slug))
        {
            drafts.Add(new ModelDraft { Slug = slug });
            errors.Clear();
        }
    }

    // Adding or removing shifts the indices the errors are keyed by: they are cleared.
    private void RemoveSlug(ModelDraft model)
    {
        drafts.Remove(model);
        errors.Clear();
    }

    private void AddLimit(ModelDraft model, bool rate)
    {
        LimitDrafts.NewLimit(model, rate);
        errors.Clear();
    }

    private void RemoveLimit(List<LimitDraft> limits, LimitDraft limit)
    {
        limits.Remove(limit);
        errors.Clear();
    }

    private void Changed(string path)
    {
        errors.Remove(path);
        errors.Remove(path[..path.LastIndexOf('.')]);
    }

    internal async Task CreateAsync()
    {
        errors.Clear();
        var (models, invalid) = LimitDrafts.ToInputs(drafts);
        if (invalid.Count > 0)
        {
            foreach (var (path, message) in invalid)
            {
                errors[path] = message;
            }
            return;
        }
        busy = true;
        try
        {
            if (await Access.AuthorizeAsync(PortalPolicies.Admin) is not { } principal)
            {
                return;
            }
            var input = new GroupCreateInput(
                new MetadataInput(string.IsNullOrWhiteSpace(name) ? null : name.Trim(), externalId?.Trim()),
                models,
                // A child sends no mode: it takes its parent's (HierarchyRules.ModeOf), as an API caller's would.
                new HierarchyInput(Parent is null ? mode : null, Parent?.Id));
            Dialog.Close(DialogResult.Ok(await Groups.CreateAsync(input, principal.Actor)));
        }
        catch (DomainException e)
        {
            var param = e.Param ?? OtherParam;
            errors[param is NameParam or ExternalParam or ModeParam || param.StartsWith("models", StringComparison.Ordinal)
                ? param : OtherParam] = LimitDrafts.Describe(e);
        }
        finally
        {
            busy = false;
        }
    }
}
