using MudBlazor;

namespace FrontierGateway.Portal.Components.Layout;

internal static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#3949ab", AppbarBackground = "#1a237e" },
        PaletteDark = new PaletteDark { Primary = "#7986cb" },
    };
}
