using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace FrontierGateway.Tests.Unit.Portal;

/// <summary>Finds MudBlazor inputs and buttons the way a user does: by their label or text.</summary>
internal static class Markup
{
    /// <summary>Every input control (input, label, helper or error text) labelled <paramref name="label"/>.</summary>
    public static List<IElement> Fields<T>(this IRenderedComponent<T> cut, string label) where T : IComponent =>
        cut.FindAll(".mud-input-control")
            .Where(c => c.QuerySelector("label")?.TextContent.Trim() == label)
            .ToList();

    public static IElement Field<T>(this IRenderedComponent<T> cut, string label) where T : IComponent =>
        Assert.Single(cut.Fields(label));

    public static IElement Input(this IElement field) =>
        field.QuerySelector("input") ?? throw new InvalidOperationException("No input in " + field.OuterHtml);

    /// <summary>The error text shown under the field, or null.</summary>
    public static string? ErrorText(this IElement field) =>
        field.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() is { Length: > 0 } text ? text : null;

    /// <summary>The one button whose text or aria-label is exactly <paramref name="text"/>.</summary>
    public static IElement Button<T>(this IRenderedComponent<T> cut, string text) where T : IComponent
    {
        var buttons = cut.FindAll("button").Where(b => b.TextContent.Trim() == text || b.GetAttribute("aria-label") == text).ToList();
        return buttons.Count == 1 ? buttons[0]
            : throw new InvalidOperationException($"{buttons.Count} buttons \"{text}\" in {cut.Markup}");
    }

    /// <summary>Finds and clicks the button in one step on the renderer's dispatcher, so that no re-render comes between the two.</summary>
    public static Task ClickAsync<T>(this IRenderedComponent<T> cut, string text) where T : IComponent =>
        cut.InvokeAsync(() => cut.Button(text).Click());

    public static bool IsDisabled(this IElement element) => element.HasAttribute("disabled");
}
