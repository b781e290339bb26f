using FrontierGateway.Gateway.Management;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace FrontierGateway.Gateway.Pipeline;

/// <summary>
/// The answer to a <c>/v1</c> call no route took: 404 for a path nothing serves, 405 (with <c>Allow</c>) for a
/// method a path does not take; OpenAI's error shape and wording (the management API's for its own paths).
/// </summary>
internal static class UnknownRoute
{
    public static Task WriteAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        if (context.GetEndpoint() is RouteEndpoint
            || context.Response.StatusCode is not (StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed))
        {
            return Task.CompletedTask;
        }
        var request = context.Request;
        var call = $"{request.Method} {request.Path}";
        var allowed = AllowedMethods(context);
        if (allowed.Length > 0)
        {
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return OpenAIError.WriteAsync(context, StatusCodes.Status405MethodNotAllowed,
                $"Invalid method for URL ({call}): it takes {context.Response.Headers.Allow}.", "invalid_request_error",
                "method_not_allowed");
        }
        context.Response.Headers.Remove(HeaderNames.Allow);
        return request.Path.StartsWithSegments(ManagementApi.Prefix)
            ? OpenAIError.WriteAsync(context, 404, ManagementApi.UnknownRouteMessage, ApiError.TypeOf(404), "route_not_found")
            : OpenAIError.WriteAsync(context, 404, $"Unknown request URL: {call}. Please check the URL for typos, or see the "
                + "docs at https://platform.openai.com/docs/api-reference/.", "invalid_request_error", "unknown_url");
    }

    /// <summary>
    /// The methods the API's own routes take at this path. Routing's answer is not enough: the static files' fallback
    /// (GET and HEAD on any path, added when the host runs from its build output) turns a wrong method on an API
    /// path into a 404, and an unknown path into a 405 that allows GET. Only a call no route took pays for this.
    /// </summary>
    private static string[] AllowedMethods(HttpContext context)
    {
        var path = context.Request.Path;
        return context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            // Fallbacks (catch-alls) take every path, so they say nothing about this one.
            .Where(e => !e.RoutePattern.Parameters.Any(p => p.IsCatchAll) && e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true
                && new TemplateMatcher(new RouteTemplate(e.RoutePattern), []).TryMatch(path, []))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }
}
