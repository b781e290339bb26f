using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Gateway.Pipeline;

/// <summary>
/// The answer to a failure nothing else handled on <c>/v1</c> (run by the exception handler middleware in every
/// environment, so the developer exception page never shows a stack trace there): a 500 in OpenAI's error shape,
/// which the management API shares, with the request id; the failure is logged once, with the same id.
/// </summary>
internal sealed partial class UnexpectedErrorHandler(ILogger<UnexpectedErrorHandler> logger)
{
    public Task WriteAsync(HttpContext context)
    {
        var id = context.TraceIdentifier;
        var failure = context.Features.Get<IExceptionHandlerFeature>();
        LogFailure(logger, failure?.Error, context.Request.Method, failure?.Path ?? context.Request.Path.Value, id);
        // The middleware has cleared the response's headers.
        context.Response.Headers[RequestIdMiddleware.Header] = id;
        return OpenAIError.WriteAsync(context, StatusCodes.Status500InternalServerError,
            $"The gateway had an error while processing your request. Please include the request id {id} if you report it.",
            "server_error", "internal_error");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} ({Method} {Path}) failed unexpectedly.")]
    private static partial void LogFailure(ILogger logger, Exception? exception, string method, string? path, string requestId);
}
