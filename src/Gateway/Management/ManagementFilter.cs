using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Gateway.Management;

/// <summary>
/// Applied once to the whole management API: authenticates the workspace key, checks its scope
/// (GET needs <c>view</c>, anything else <c>manage</c>) and turns refusals into the error shape.
/// </summary>
internal sealed class ManagementFilter : IEndpointFilter
{
    private const string ActorKey = "fgw.actor";

    public static string Actor(HttpContext context) => (string)context.Items[ActorKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var presented = PresentedKey(context.Request);
        if (presented is null)
        {
            return ApiError.Result(401, "Missing API key: send Authorization: Api-Key <key>.", null, "missing_api_key");
        }
        var keys = context.RequestServices.GetRequiredService<WorkspaceKeyService>();
        var key = await keys.AuthenticateAsync(presented, context.RequestAborted);
        if (key is null)
        {
            return ApiError.Result(401, "Invalid API key.", null, "invalid_api_key");
        }
        var writes = !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method);
        if (writes && key.Scope != WorkspaceScope.Manage)
        {
            return ApiError.Result(403, "This API key has the view scope; this request needs the manage scope.", null,
                "insufficient_scope");
        }
        context.Items[ActorKey] = $"api_key:{key.Prefix}";
        try
        {
            return await next(invocation);
        }
        catch (DomainException e)
        {
            return ApiError.From(e);
        }
    }

    /// <summary>The key of <c>Authorization: Api-Key &lt;key&gt;</c> or <c>Bearer &lt;key&gt;</c>.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        foreach (var scheme in (ReadOnlySpan<string>)["Api-Key ", "Bearer "])
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                var key = header[scheme.Length..].Trim();
                return key.Length > 0 ? key : null;
            }
        }
        return null;
    }
}
