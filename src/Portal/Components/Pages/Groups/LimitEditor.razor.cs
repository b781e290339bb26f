using FrontierGateway.Data.Entities;
using FrontierGateway.Data;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Groups;

/// <summary>
/// Edits a group's own slugs and limits. Saving is one <see cref="GroupService.PatchAsync"/> (one transaction);
/// the domain validates, and its error is shown next to the field its <c>Param</c> names.
/// </summary>
public sealed partial class LimitEditor
{
    [Inject] public required GroupService Groups { get; init; }
    [Inject] public required PortalAccess Access { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [Parameter, EditorRequired] public required GroupView Group { get; set; }
    [Parameter] public IReadOnlyList<string> Suggestions { get; set; } = [];
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public EventCallback<GroupView> OnSaved { get; set; }

    private readonly Dictionary<string, string> errors = [];
    private List<ModelDraft> drafts = [];
    private GroupView? shown;
    private string saved = "";
    private bool busy;

    private bool Dirty => LimitDrafts.Signature(drafts) != saved;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(shown, Group))
        {
            shown = Group;
            Reset();
        }
    }

    private void Reset()
    {
        drafts = LimitDrafts.From(Group.Models);
        saved = LimitDrafts.Signature(drafts);
        errors.Clear();
    }

    private string? SlugError(int i) =>
        errors.GetValueOrDefault(LimitDrafts.Slug(i)) ?? errors.GetValueOrDefault(LimitDrafts.Model(i));

    private void SetSlug(int i, string? slug)
    {
        drafts[i].Slug = slug ?? "";
        errors.Remove(LimitDrafts.Slug(i));
        errors.Remove(LimitDrafts.Model(i));
    }

    private void Changed(string path)
    {
        // Edits clear the field's error; a threshold is checked as it is typed.
        errors.Remove(path);
        errors.Remove(path[..path.LastIndexOf('.')]);
        if (path.EndsWith(".threshold", StringComparison.Ordinal) && Find(path) is { } limit
            && LimitDrafts.ThresholdError(limit.Threshold) is { } error)
        {
            errors[path] = error;
        }
    }

    private LimitDraft? Find(string path)
    {
        for (var i = 0; i < drafts.Count; i++)
        {
            foreach (var rate in new[] { true, false })
            {
                var limits = rate ? drafts[i].RateLimits : drafts[i].UsageLimits;
                for (var j = 0; j < limits.Count; j++)
                {
                    if (path.StartsWith(LimitDrafts.Limit(i, rate, j) + ".", StringComparison.Ordinal))
                    {
                        return limits[j];
                    }
                }
            }
        }
        return null;
    }

    // Adding or removing shifts the indices the errors are keyed by: they are cleared.
    private void AddModel(string slug)
    {
        drafts.Add(new ModelDraft { Slug = slug });
        errors.Clear();
    }

    private void RemoveModel(int i)
    {
        drafts.RemoveAt(i);
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

    internal async Task SaveAsync()
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
            var view = await Groups.PatchAsync(Group.Id, new GroupPatchInput(null, models, null), principal.Actor);
            drafts = LimitDrafts.From(view.Models);
            saved = LimitDrafts.Signature(drafts);
            Snackbar.Add("Limits saved", Severity.Success);
            await OnSaved.InvokeAsync(view);
        }
        catch (DomainException e)
        {
            errors[e.Param ?? ""] = LimitDrafts.Describe(e);
        }
        finally
        {
            busy = false;
        }
    }
}
