using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Simulated;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The data plane, as the first step of YARP's pipeline: authenticates the key, picks the endpoint the body's
/// <c>model</c> names, admits the call against every effective limit, hands it to the proxy (or the simulated
/// model) with a meter on the response, then debits the tokens and records the usage event.
/// </summary>
internal sealed class InferenceMiddleware(RequestDelegate next, SnapshotStore snapshots, ICounterStore counters,
    UsageRecorder recorder, LiveUsage live, KeyActivity activity, SimulatedModel simulated, TokenCounter tokens,
    IProxyStateLookup proxyState, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var snapshot = snapshots.Current;
        var now = time.GetUtcNow().UtcDateTime;
        if (InferenceAuth.Authenticate(context.Request, snapshot, now) is not { } caller)
        {
            await OpenAIError.InvalidKeyAsync(context);
            return;
        }
        activity.Touch(caller.Key.Prefix, now);
        var (request, error) = await InferenceRequest.ReadAsync(context.Request, OperationOf(context.Request.Path));
        if (request is null)
        {
            await OpenAIError.BadRequestAsync(context, error!);
            return;
        }
        if (!caller.Group.Slugs.TryGetValue(request.Slug, out var policy)
            || !snapshot.Endpoints.TryGetValue(request.Slug, out var route))
        {
            await OpenAIError.ModelNotFoundAsync(context, request.Slug);
            return;
        }
        var admission = counters.TryAdmit(policy, now);
        RateLimitResponse.WriteHeaders(context.Response, admission);
        if (!admission.Admitted)
        {
            live.RecordRefused(caller.Group.Id, request.Slug);
            await RateLimitResponse.RefuseAsync(context, request.Slug, admission);
            return;
        }
        request.Route = route;
        var requestId = context.TraceIdentifier;
        var admitted = time.GetTimestamp();
        var metered = await ForwardAndMeterAsync(context, request, caller, policy, requestId);
        live.RecordCall(caller.Group.Id, request.Slug, context.Response.StatusCode, metered, time.GetElapsedTime(admitted));
    }

    /// <summary>Answers the tokens metered: 0 when the call failed.</summary>
    private async Task<long> ForwardAndMeterAsync(HttpContext context, InferenceRequest request, Caller caller,
        SlugPolicy policy, string requestId)
    {
        var route = request.Route!;
        var original = context.Response.Body;
        using var meter = new MeteringStream(original,
            () => context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true,
            hideUsageChunk: request.Stream && !request.ClientAskedForUsage);
        context.Response.Body = meter;
        try
        {
            if (route.Simulated)
            {
                await simulated.WriteAsync(context, request.Operation, request.PrepareForSimulated(), context.RequestAborted);
            }
            else if (proxyState.TryGetCluster(route.ClusterId, out var cluster))
            {
                context.Features.Set(request);
                context.ReassignProxyRequest(cluster);
                await next(context);
            }
            else
            {
                context.Response.Body = original;
                await OpenAIError.WriteAsync(context, 502, "The model's upstream is not configured yet.",
                    "upstream_error", "upstream_unreachable");
                return 0;
            }
            await meter.CompleteAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client left: what reached it is still metered below.
        }
        finally
        {
            context.Response.Body = original;
        }
        if (await UpstreamFailedAsync(context) || context.Response.StatusCode is < 200 or >= 300 || meter.BytesWritten == 0)
        {
            return 0;
        }
        var usage = meter.Usage ?? new TokenUsage(tokens.CountPrompt(request.Operation, request.Body),
            tokens.Count(meter.DeliveredText), 0);
        var end = time.GetUtcNow().UtcDateTime;
        counters.AddTokens(policy, usage.Total, end);
        recorder.Record(new UsageEvent
        {
            IdempotencyKey = Ids.NewUlid(),
            Timestamp = end,
            RequestId = requestId,
            RequestMetadata = request.Fields.Metadata,
            ModelSlug = request.Slug,
            GroupId = caller.Group.Id,
            ExternalEntityId = caller.Group.ExternalEntityId,
            ApiKeyPrefix = caller.Key.Prefix,
            InputTokens = usage.Input,
            OutputTokens = usage.Output,
            CachedInputTokens = usage.Cached,
            Estimated = meter.Usage is null,
        });
        return usage.Total;
    }

    /// <summary>Answers a proxy failure that happened before the response started: 504 on timeout, else 502.</summary>
    private static async Task<bool> UpstreamFailedAsync(HttpContext context)
    {
        if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted)
        {
            return false;
        }
        var timedOut = failure.Error == ForwarderError.RequestTimedOut;
        var clientGone = failure.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyClient;
        if (!clientGone)
        {
            await OpenAIError.WriteAsync(context, timedOut ? 504 : 502,
                timedOut ? "The upstream model did not answer in time." : "The upstream model could not be reached.",
                "upstream_error", timedOut ? "upstream_timeout" : "upstream_unreachable");
        }
        return true;
    }

    private static InferenceOperation OperationOf(PathString path) =>
        path.StartsWithSegments("/v1/chat") ? InferenceOperation.ChatCompletions
        : path.StartsWithSegments("/v1/embeddings") ? InferenceOperation.Embeddings
        : InferenceOperation.Completions;
}
