using FrontierGateway.Data.Entities;

namespace FrontierGateway.Portal.Access;

/// <summary>
/// The portal's authorization policies, named once: pages and endpoints declare them (<c>[Authorize(Policy = ...)]</c>,
/// <c>&lt;AuthorizeView Policy="..."&gt;</c>) and <see cref="PortalAccess.AuthorizeAsync"/> checks them on the server
/// before a change.
/// </summary>
public static class PortalPolicies
{
    /// <summary>Changes groups, limits, endpoints, keys, users and settings.</summary>
    public const string Admin = nameof(Admin);

    /// <summary>Reads the whole workspace.</summary>
    public const string AdminOrViewer = nameof(AdminOrViewer);

    /// <summary>A user bound to one group's subtree.</summary>
    public const string Customer = nameof(Customer);

    public static IServiceCollection AddPortalAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Admin, p => p.RequireRole(PortalRoles.Admin))
            .AddPolicy(AdminOrViewer, p => p.RequireRole(PortalRoles.Admin, PortalRoles.Viewer))
            .AddPolicy(Customer, p => p.RequireRole(PortalRoles.Customer));
        return services;
    }
}
