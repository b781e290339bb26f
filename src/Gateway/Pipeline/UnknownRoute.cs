using FrontierGateway.Gateway.Inference;
using FrontierGateway.Gateway.Management;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace FrontierGateway.Gateway.Pipeline;

/// <summary>
/// The bodies of the 404 routing leaves for a <c>/v1</c> path nothing serves and of the 405 it answers (with
/// <c>Allow</c>) for a method a path does not take: OpenAI's error shape and wording.
/// </summary>
internal static class UnknownRoute
{
    public static Task WriteAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var request = context.Request;
        var call = $"{request.Method} {request.Path}";
        return context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound when request.Path.StartsWithSegments(ManagementApi.Prefix) =>
                OpenAIError.WriteAsync(context, 404, ManagementApi.UnknownRouteMessage, ApiError.TypeOf(404), "route_not_found"),
            StatusCodes.Status404NotFound => OpenAIError.WriteAsync(context, 404,
                $"Unknown request URL: {call}. Please check the URL for typos, or see the docs at "
                + "https://platform.openai.com/docs/api-reference/.", "invalid_request_error", "unknown_url"),
            StatusCodes.Status405MethodNotAllowed => OpenAIError.WriteAsync(context, 405,
                $"Invalid method for URL ({call}): it takes {context.Response.Headers[HeaderNames.Allow]}.",
                "invalid_request_error", "method_not_allowed"),
            _ => Task.CompletedTask,
        };
    }
}
