using System.Diagnostics;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The first step when <c>Telemetry:Tracing</c> is on (it is not in the pipeline otherwise): the call's span, current
/// through every later step, so that the upstream call's HttpClient span is its child and the upstream gets its
/// <c>traceparent</c>. Once the call has ended it gets the GenAI attributes the other steps found out.
/// </summary>
internal sealed class TracingMiddleware(RequestDelegate next, GatewayTracing tracing)
{
    public async Task InvokeAsync(HttpContext context)
    {
        using var activity = tracing.StartInference(GenAi.Chat);
        if (activity is null)
        {
            await next(context);
            return;
        }
        activity.SetTag("frontier.request_id", context.TraceIdentifier);
        try
        {
            await next(context);
        }
        catch (Exception e)
        {
            activity.SetTag(GenAi.ErrorType, e.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        Describe(activity, context);
    }

    private static void Describe(Activity activity, HttpContext context)
    {
        var status = context.Response.StatusCode;
        activity.SetTag("http.response.status_code", status);
        if (status >= 400)
        {
            activity.SetTag(GenAi.ErrorType, StatusText.Of(status));
            activity.SetStatus(ActivityStatusCode.Error);
        }
        // Absent when the key or the body was refused before they were known.
        if (context.Features.Get<InferenceCall>() is not { Request: { } request } call)
        {
            return;
        }
        var operation = CallTelemetry.Operation(request.Operation);
        activity.DisplayName = $"{operation} {request.Slug}";
        activity.SetTag(GenAi.OperationName, operation);
        activity.SetTag(GenAi.RequestModel, request.Slug);
        activity.SetTag(GenAi.GroupId, call.Group.Id);
        if (call.Route is not null)
        {
            activity.SetTag(GenAi.ProviderName, CallTelemetry.Provider(context, call));
        }
        if (call.Usage is { } usage)
        {
            activity.SetTag(GenAi.InputTokens, usage.Input);
            activity.SetTag(GenAi.OutputTokens, usage.Output);
        }
    }
}
