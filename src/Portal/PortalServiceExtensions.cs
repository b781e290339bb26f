using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Audit;
using FrontierGateway.Portal.Components.Account;
using FrontierGateway.Portal.Components.Pages.Billing;
using FrontierGateway.Portal.Components;
using FrontierGateway.Portal.Components.Layout;
using FrontierGateway.Portal.Overview;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;


namespace FrontierGateway.Portal;

internal static class PortalServiceExtensions
{
    /// <summary><c>Portal:Enabled</c>, read before the host is built: it decides what is registered at all.</summary>
    public static bool IsPortalEnabled(this WebApplicationBuilder builder) =>
        builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>()?.Enabled ?? true;

    /// <summary>The Blazor portal with Identity sign-in and the portal's seeders.</summary>
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateOnStart();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddPortalMudServices();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, PortalAuthenticationState>();
        services.AddAuthentication(o =>
        {
            o.DefaultScheme = IdentityConstants.ApplicationScheme;
            o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        }).AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
        });
        // A sign-in cookie is checked against the user's stored security stamp once a minute (Identity's default: 30),
        // as an open page is (PortalAuthenticationState), so that a user removed, or whose role or group changed (both
        // change the stamp), is signed out within a minute; every change they try is checked against the stored user
        // at once (PortalAccess).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = PortalAuthenticationState.Interval);
        services.AddPortalAuthorization();
        services.AddIdentityCore<PortalUser>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<FrontierDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddSingleton<SetupState>();
        services.AddScoped<PortalAccess>();
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<WorkspaceOverview>();
        services.AddSingleton<AuditTargets>();
        services.AddScoped<IDataSeeder, PortalSeeder>();
        return builder;
    }

    /// <summary>
    /// The first-run gate, then sign-in, authorization and antiforgery in the order the framework expects. They serve
    /// every endpoint routing does not short-circuit: the portal and the management API, never inference.
    /// </summary>
    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseMiddleware<SetupGate>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAccountEndpoints();
        app.MapEventsCsv();
        return app;
    }
}
