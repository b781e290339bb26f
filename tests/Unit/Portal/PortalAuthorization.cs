using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FrontierGateway.Tests.Unit.Portal;

internal static class PortalAuthorization
{
    /// <summary>
    /// bUnit's authorization fakes answer a policy by its name alone; the portal's own policies, evaluated by the
    /// framework's service against the signed-in user's roles, replace them so that a test sees what the host does.
    /// Call after bUnit's <c>AddAuthorization()</c>, which keeps supplying the signed-in user.
    /// </summary>
    public static void UsePortalPolicies(this IServiceCollection services)
    {
        services.RemoveAll<IAuthorizationService>();
        services.RemoveAll<IAuthorizationPolicyProvider>();
        services.AddPortalAuthorization();
    }
}
