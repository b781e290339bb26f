using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Metering.Requests;
using FrontierGateway.Gateway.Telemetry;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Admits the call against every limit of its policy, counting one request and reserving the call's most tokens
/// against every TOKEN limit (<see cref="ICounterStore.TryAdmitAsync"/>; <see cref="TokenReservation"/>): a policy
/// with no TOKEN limit reserves nothing, and its prompt is not counted here. Every answer from here on carries the
/// <c>x-ratelimit-*</c> headers; a refusal is a 429 with <c>Retry-After</c>, and a caller the shared store knows to
/// be revoked gets the 401 of an unknown key.
/// </summary>
internal sealed class AdmissionMiddleware(RequestDelegate next, ICounterStore counters, LiveUsage live, TokenCounter tokens,
    GatewayMetrics metrics, IOptions<LimitsOptions> options, RequestLog requestLog, TimeProvider time)
{
    private readonly long defaultOutput = options.Value.DefaultReservedOutputTokens;

    public Task InvokeAsync(HttpContext context)
    {
        var call = context.Features.GetRequiredFeature<InferenceCall>();
        var reserve = call.Policy.HasTokenLimits ? TokenReservation.For(call, tokens, defaultOutput) : 0;
        var admitting = counters.TryAdmitAsync(call.Policy, call.Key.Prefix, reserve, call.Now, context.RequestAborted);
        // The in-process store answers at once: no async state for this step then.
        return admitting.IsCompletedSuccessfully
            ? Continue(context, call, admitting.Result, reserve)
            : ContinueAsync(context, call, admitting, reserve);
    }

    private async Task ContinueAsync(HttpContext context, InferenceCall call, ValueTask<Admission> admitting, long reserve) =>
        await Continue(context, call, await admitting, reserve);

    private Task Continue(HttpContext context, InferenceCall call, Admission admission, long reserve)
    {
        if (admission.IsRevoked)
        {
            metrics.RecordAdmission(LimitNames.Revoked, null, call.Request.Slug, call.Group.Id);
            return OpenAIError.InvalidKeyAsync(context);
        }
        call.Admission = admission;
        RateLimitResponse.WriteHeaders(context.Response, admission);
        if (!admission.Admitted)
        {
            live.RecordRefused(call.Group.Id, call.Request.Slug);
            if (requestLog.Enabled)
            {
                requestLog.Record(RequestLogRows.Refused(call, context, admission, time.GetUtcNow().UtcDateTime));
            }
            var refused = RateLimitResponse.RefuseAsync(context, call.Request.Slug, admission, reserve);
            // The status is set before the body is written: the refusal's duration ends here.
            RecordRefusal(context, call, admission);
            return refused;
        }
        metrics.RecordAdmission(LimitNames.Admitted, null, call.Request.Slug, call.Group.Id);
        return next(context);
    }

    private void RecordRefusal(HttpContext context, InferenceCall call, Admission admission)
    {
        var unavailable = admission.Mode == LimitsMode.Unavailable;
        var limit = admission.RefusedBy is { } rule && !unavailable ? LimitNames.Of(rule.Type, rule.Unit) : null;
        metrics.RecordAdmission(unavailable ? LimitNames.Unavailable : LimitNames.Refused, limit, call.Request.Slug, call.Group.Id);
        CallTelemetry.Record(metrics, context, call, context.Response.StatusCode);
    }
}
