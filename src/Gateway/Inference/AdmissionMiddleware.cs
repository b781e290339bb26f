using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Admits the call against every limit of its policy, counting one request (<see cref="ICounterStore.TryAdmitAsync"/>).
/// Every answer from here on carries the <c>x-ratelimit-*</c> headers; a refusal is a 429 with <c>Retry-After</c>.
/// </summary>
internal sealed class AdmissionMiddleware(RequestDelegate next, ICounterStore counters, LiveUsage live)
{
    public Task InvokeAsync(HttpContext context)
    {
        var call = context.Features.GetRequiredFeature<InferenceCall>();
        var admitting = counters.TryAdmitAsync(call.Policy, call.Now, context.RequestAborted);
        // The in-process store answers at once: no async state for this step then.
        return admitting.IsCompletedSuccessfully
            ? Continue(context, call, admitting.Result)
            : ContinueAsync(context, call, admitting);
    }

    private async Task ContinueAsync(HttpContext context, InferenceCall call, ValueTask<Admission> admitting) =>
        await Continue(context, call, await admitting);

    private Task Continue(HttpContext context, InferenceCall call, Admission admission)
    {
        call.Admission = admission;
        RateLimitResponse.WriteHeaders(context.Response, admission);
        if (!admission.Admitted)
        {
            live.RecordRefused(call.Group.Id, call.Request.Slug);
            return RateLimitResponse.RefuseAsync(context, call.Request.Slug, admission);
        }
        return next(context);
    }
}
