using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Pricing;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Metering.Journal;
using FrontierGateway.Gateway.Metering.Requests;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Meters an admitted call. Journals it as admitted, puts a <see cref="MeteringStream"/> on the response, and once
/// the steps after it have answered, ends it in the journal (its event, or void when it failed) before the
/// response's held-back last bytes reach the client; then records the event, and settles the call's token
/// reservation to its real tokens (<see cref="ICounterStore.SettleAsync"/>), a failed call's to none.
/// </summary>
internal sealed class MeteringMiddleware(RequestDelegate next, ICounterStore counters, UsageRecorder recorder,
    UsageJournal journal, LiveUsage live, TokenCounter tokens, GatewayMetrics metrics, TimeProvider time,
    RequestLog requestLog)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var call = context.Features.GetRequiredFeature<InferenceCall>();
        var used = 0L;
        try
        {
            used = await MeterAsync(context, call);
        }
        finally
        {
            // Each admitted call settles once, whichever way it ended: completed, void, failed or left by its client.
            // Not the request's token: the call was made, and its tokens count even if the client has gone.
            await counters.SettleAsync(call.Policy, call.Admission.Reservation, used, time.GetUtcNow().UtcDateTime,
                CancellationToken.None);
        }
    }

    /// <summary>Runs the call and meters it; answers its tokens, 0 when it was void.</summary>
    private async Task<long> MeterAsync(HttpContext context, InferenceCall call)
    {
        var admitted = time.GetTimestamp();
        var usage = Provisional(call, context.TraceIdentifier);
        EventCost.Apply(usage, call.Route.Price);
        var admittedIn = journal.Admit(usage);
        var original = context.Response.Body;
        using var meter = new MeteringStream(original,
            () => context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true,
            hideUsageChunk: call.Request.Stream && !call.Request.ClientAskedForUsage);
        context.Response.Body = meter;
        try
        {
            await next(context);
            meter.Complete();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client left: what reached it is still metered below.
        }
        catch
        {
            journal.Void(admittedIn, usage);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }
        var metered = 0L;
        if (ForwardMiddleware.Failure(context) is not null || context.Response.StatusCode is < 200 or >= 300
            || meter.BytesWritten == 0)
        {
            journal.Void(admittedIn, usage);
            await ReleaseAsync(meter, context);
            if (requestLog.Enabled)
            {
                // Not metered: the call's entry in the request log is a row of its own.
                requestLog.Record(RequestLogRows.Answered(call, context, time.GetUtcNow().UtcDateTime));
            }
        }
        else
        {
            var counted = meter.Usage ?? new TokenUsage(call.PromptTokens(tokens), tokens.Count(meter.DeliveredText), 0);
            usage.Timestamp = time.GetUtcNow().UtcDateTime;
            (usage.InputTokens, usage.OutputTokens, usage.CachedInputTokens) = (counted.Input, counted.Output, counted.Cached);
            usage.Estimated = meter.Usage is null;
            EventCost.Apply(usage, call.Route.Price);
            if (requestLog.Enabled)
            {
                // The event is the call's entry in the request log (LoggedCalls): no log row of its own. Journaled
                // with the latency so far; once the last bytes are out, the latency to them.
                RequestLogRows.Fill(usage, call, context, usage.Timestamp);
            }
            var completedIn = journal.Complete(usage, admittedIn);
            await ReleaseAsync(meter, context);
            if (requestLog.Enabled)
            {
                RequestLogRows.Fill(usage, call, context, time.GetUtcNow().UtcDateTime);
            }
            recorder.Record(usage, admittedIn, completedIn);
            metered = counted.Total;
            call.Usage = counted;
        }
        call.FirstEvent = meter.FirstEventAt;
        CallTelemetry.Record(metrics, context, call, context.Response.StatusCode);
        live.RecordCall(call.Group.Id, call.Request.Slug, context.Response.StatusCode, metered, time.GetElapsedTime(admitted));
        return metered;
    }

    /// <summary>
    /// The call's event as far as it is known at admission: what the journal keeps if the host dies during the call,
    /// with the prompt as admission counted it for a TOKEN limit, else estimated at four bytes of body a token
    /// (OpenAI's rule of thumb), and no output.
    /// </summary>
    private static UsageEvent Provisional(InferenceCall call, string requestId) => new()
    {
        IdempotencyKey = Ids.NewUlid(),
        Timestamp = call.Now,
        RequestId = requestId,
        RequestMetadata = call.Request.Fields.Metadata,
        ModelSlug = call.Request.Slug,
        GroupId = call.Group.Id,
        ExternalEntityId = call.Group.ExternalEntityId,
        ApiKeyPrefix = call.Key.Prefix,
        InputTokens = call.PromptTokensSoFar,
        Estimated = true,
    };

    private static async Task ReleaseAsync(MeteringStream meter, HttpContext context)
    {
        try
        {
            await meter.ReleaseAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client left before the last bytes: the call is metered all the same, as what reached it.
        }
    }
}
