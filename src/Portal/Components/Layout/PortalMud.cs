using MudBlazor;
using MudBlazor.Services;

namespace FrontierGateway.Portal.Components.Layout;

/// <summary>MudBlazor as the portal configures it; the bUnit harness uses the same, so tests see what users see.</summary>
public static class PortalMud
{
    public static IServiceCollection AddPortalMudServices(this IServiceCollection services) =>
        services.AddMudServices(Configure);

    /// <summary>
    /// Notifications go bottom right, a few at a time and briefly: at the top right (MudBlazor's default) a burst of
    /// "Group created" covered the page's primary button ("New root group") for seconds.
    /// </summary>
    public static void Configure(MudServicesConfiguration config)
    {
        var snackbars = config.SnackbarConfiguration;
        snackbars.PositionClass = Defaults.Classes.Position.BottomRight;
        snackbars.MaxDisplayedSnackbars = 3;
        snackbars.PreventDuplicates = true;
        snackbars.VisibleStateDuration = 3000;
        snackbars.ShowTransitionDuration = 200;
        snackbars.HideTransitionDuration = 200;
    }
}
