using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Shared.Groups;

/// <summary>
/// Adds a model slug: one of the endpoints' slugs, or any text (a group may be set up before its endpoint).
/// Whether a slug is valid is decided by the domain when the group is saved.
/// </summary>
public sealed partial class SlugPicker
{
    [Parameter] public IReadOnlyList<string> Suggestions { get; set; } = [];
    [Parameter] public IReadOnlyCollection<string> Exclude { get; set; } = [];
    [Parameter] public EventCallback<string> OnAdd { get; set; }
    [Parameter] public bool Disabled { get; set; }
    [Parameter] public string Label { get; set; } = "Model slug";
    [Parameter] public string? Error { get; set; }

    private MudAutocomplete<string>? autocomplete;
    private string? typed;

    private Task<IEnumerable<string>> SearchAsync(string? text, CancellationToken ct) =>
        Task.FromResult(Suggestions.Where(s => !Exclude.Contains(s)
            && (string.IsNullOrWhiteSpace(text) || s.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase))));

    private Task OnSelectedAsync(string? value) => AddAsync(value);

    private Task AddTypedAsync() => AddAsync(typed);

    private async Task AddAsync(string? slug)
    {
        if (string.IsNullOrWhiteSpace(slug))
        {
            return;
        }
        await OnAdd.InvokeAsync(slug.Trim());
        typed = null;
        if (autocomplete is not null)
        {
            await autocomplete.ClearAsync();
        }
    }
}
