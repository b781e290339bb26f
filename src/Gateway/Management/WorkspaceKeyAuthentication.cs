using System.Security.Claims;
using System.Text.Encodings.Web;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Management;

/// <summary>
/// The management API's authentication scheme (workspace keys) and its two policies, one per scope. The scheme is
/// never the default: the portal signs in with Identity cookies, and only endpoints that ask for these policies
/// run it.
/// </summary>
public static class WorkspaceKeyAuthentication
{
    public const string Scheme = "WorkspaceKey";
    public const string ScopeClaim = "scope";

    /// <summary>Reads: a <c>view</c> or a <c>manage</c> key.</summary>
    public const string ViewPolicy = "workspace:view";

    /// <summary>Writes: a <c>manage</c> key.</summary>
    public const string ManagePolicy = "workspace:manage";

    /// <summary>Who the audit log says made a change: <c>api_key:&lt;prefix&gt;</c>.</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("The caller was not authenticated with a workspace key.");

    internal static IServiceCollection AddWorkspaceKeyAuthentication(this IServiceCollection services)
    {
        // Never a default, even as the only scheme (a data-plane host, Portal:Enabled=false): as the default, the
        // authentication middleware ran it on every request, an inference call included, and looked up each customer
        // key as a workspace key in the database (the host's CPU per call 4.6x, docs/PERFORMANCE.md).
        // The switch is ASP.NET Core's documented way out; it is read when the options are first built.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, WorkspaceKeyHandler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ViewPolicy, policy => policy.AddAuthenticationSchemes(Scheme)
                .RequireClaim(ScopeClaim, WireNames.Of(WorkspaceScope.View), WireNames.Of(WorkspaceScope.Manage)))
            .AddPolicy(ManagePolicy, policy => policy.AddAuthenticationSchemes(Scheme)
                .RequireClaim(ScopeClaim, WireNames.Of(WorkspaceScope.Manage)));
        return services;
    }
}

/// <summary>
/// Authenticates <c>Api-Key</c> / <c>Bearer</c> workspace keys (one indexed lookup by prefix and a hash check, as
/// before) and answers refusals in the API's error shape: 401 for a missing or unknown key, 403 for a key
/// without the scope.
/// </summary>
internal sealed class WorkspaceKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, WorkspaceKeyService keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string InvalidKey = "Invalid API key.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ApiKeyHeader.Read(Request) is not { } presented)
        {
            return AuthenticateResult.NoResult();
        }
        if (await keys.AuthenticateAsync(presented, Context.RequestAborted) is not { } key)
        {
            return AuthenticateResult.Fail(InvalidKey);
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"api_key:{key.Prefix}"), new Claim(WorkspaceKeyAuthentication.ScopeClaim, WireNames.Of(key.Scope))],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = (await HandleAuthenticateOnceSafeAsync()).Failure is not null;
        var error = presented
            ? ApiError.Result(401, InvalidKey, null, "invalid_api_key")
            : ApiError.Result(401, "Missing API key: send Authorization: Api-Key <key>.", null, "missing_api_key");
        await ApiError.Named(401, error.Value!, Context).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.Named(403, ApiError.Result(403, "This API key has the view scope; this request needs the manage scope.", null,
            "insufficient_scope").Value!, Context).ExecuteAsync(Context);
}
