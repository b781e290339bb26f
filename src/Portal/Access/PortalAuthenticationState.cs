using System.Security.Claims;
using FrontierGateway.Data.Entities;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Portal.Access;

/// <summary>
/// The signed-in user of an open portal page (a Blazor circuit), checked against the stored user every
/// <see cref="Interval"/>: once the user is removed, or their role, group or password changed (each changes the
/// security stamp), the page signs them out and sends them to the login, as a new page load does with the cookie.
/// </summary>
internal sealed class PortalAuthenticationState(ILoggerFactory loggerFactory, IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identity) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct) =>
        IsCurrentAsync(state.User);

    /// <summary>Whether the user of <paramref name="principal"/> still exists with the security stamp it was signed in with.</summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return false;
        }
        var signedInWith = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return !users.SupportsUserSecurityStamp || signedInWith == await users.GetSecurityStampAsync(user);
    }
}
