using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Gateway.Pipeline;

public static class ApiPipelineExtensions
{
    /// <summary>
    /// Every <c>/v1</c> response, inference and management, in every environment: a request id, a JSON error in
    /// OpenAI's shape for an unexpected failure (never the developer exception page), and for an unknown path or
    /// method. Added after the portal's error page, so that this handler is the one a <c>/v1</c> failure meets.
    /// </summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) =>
        app.UseWhen(IsApi, api =>
        {
            api.UseMiddleware<RequestIdMiddleware>();
            api.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandler = ActivatorUtilities.CreateInstance<UnexpectedErrorHandler>(api.ApplicationServices).WriteAsync,
                // The handler logs the failure itself, once, with the request id.
                SuppressDiagnosticsCallback = c => c.ExceptionHandledBy == ExceptionHandledType.ExceptionHandlerDelegate,
            });
            // Only a call no route took (a 404, or routing's own 405) gets a body from status code pages.
            api.UseStatusCodePages(UnknownRoute.WriteAsync);
        });

    /// <summary>A call to the inference or management API.</summary>
    public static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/v1");
}
