using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Components.Account;
using FrontierGateway.Portal.Components.Pages.Billing;
using FrontierGateway.Portal.Components;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;

namespace FrontierGateway.Portal;

internal static class PortalServiceExtensions
{
    /// <summary>The Blazor portal with Identity sign-in and the portal's seeders.</summary>
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateOnStart();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
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
        services.AddAuthorization();
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
        services.AddScoped<IDataSeeder, PortalSeeder>();
        return builder;
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        // The APIs under /v1 authenticate by key in their own step; the portal's cookie, setup and
        // antiforgery middleware stay off their hot path.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/v1"), portal =>
        {
            portal.UseMiddleware<SetupGate>();
            portal.UseAuthentication();
            portal.UseAuthorization();
            portal.UseAntiforgery();
        });
        // WebApplication adds authentication and authorization in front of everything unless the app adds them
        // itself; a branch's flags do not reach the app, so they are set here to keep the branch the only place.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        ((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
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
