using Microsoft.Playwright;

namespace FrontierGateway.Tests.E2E;

/// <summary>Measurements of the rendered page, for layout defects a role locator cannot see.</summary>
internal static class Layout
{
    /// <summary>
    /// The rows of <paramref name="container"/>'s children (grouped by their top edge) whose last child stops short of
    /// the container's right edge: an empty list when every row is filled.
    /// </summary>
    public static Task<int[]> ShortRowsAsync(ILocator container) => container.EvaluateAsync<int[]>("""
        grid => {
            const right = grid.getBoundingClientRect().right;
            const rows = new Map();
            for (const child of grid.children) {
                const box = child.getBoundingClientRect();
                const top = Math.round(box.top);
                rows.set(top, Math.max(rows.get(top) ?? 0, box.right));
            }
            return [...rows.entries()].filter(([, end]) => right - end > 2).map(([top]) => top);
        }
        """);

    /// <summary>
    /// Whether a field's label is cut off or covered: its text reaches past the edge of an ancestor that hides what
    /// overflows, or under the field's own icon (the adornment at its end).
    /// </summary>
    public static Task<bool> IsLabelHiddenAsync(ILocator label) => label.EvaluateAsync<bool>("""
        e => {
            const range = document.createRange();
            range.selectNodeContents(e);
            const text = range.getBoundingClientRect();
            const icon = e.closest('.mud-input-control')?.querySelector('.mud-input-adornment-end');
            if (icon && icon.getBoundingClientRect().width > 0 && text.right > icon.getBoundingClientRect().left + 1) return true;
            for (let a = e; a; a = a.parentElement) {
                if (getComputedStyle(a).overflowX === 'visible') continue;
                const box = a.getBoundingClientRect();
                if (text.right > box.right + 1) return true;
            }
            return false;
        }
        """);

    /// <summary>How many lines the element's text takes: its height over its line height.</summary>
    public static Task<int> LineCountAsync(ILocator element) => element.EvaluateAsync<int>("""
        e => {
            const range = document.createRange();
            range.selectNodeContents(e);
            const style = getComputedStyle(e);
            const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
            return Math.round(range.getBoundingClientRect().height / line);
        }
        """);
}
