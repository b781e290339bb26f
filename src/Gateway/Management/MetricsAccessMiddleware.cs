using System.Net;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Management;

/// <summary>
/// Guards <c>/metrics</c> by <c>Telemetry:MetricsAccess</c>: by default a caller on this machine, or one holding a
/// <c>view</c> (or <c>manage</c>) workspace key, checked by the management API's own scheme, whose 401 it answers
/// with. A call a proxy forwarded (<c>X-Forwarded-For</c>, <c>Forwarded</c>) is not local, whatever its socket says:
/// behind a balancer on the same machine (deploy/nginx.conf) every caller comes from 127.0.0.1.
/// </summary>
internal sealed class MetricsAccessMiddleware(RequestDelegate next, IOptions<TelemetryOptions> options)
{
    private readonly MetricsAccess access = options.Value.ParsedMetricsAccess ?? MetricsAccess.LoopbackOrViewKey;

    public async Task InvokeAsync(HttpContext context)
    {
        if (access == MetricsAccess.Anyone || (access == MetricsAccess.LoopbackOrViewKey && IsLocal(context)))
        {
            await next(context);
            return;
        }
        var result = await context.AuthenticateAsync(WorkspaceKeyAuthentication.Scheme);
        var scope = result.Principal?.FindFirst(WorkspaceKeyAuthentication.ScopeClaim)?.Value;
        if (scope == WireNames.Of(WorkspaceScope.View) || scope == WireNames.Of(WorkspaceScope.Manage))
        {
            await next(context);
            return;
        }
        await context.ChallengeAsync(WorkspaceKeyAuthentication.Scheme);
    }

    private static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For") && !context.Request.Headers.ContainsKey("Forwarded");
}
