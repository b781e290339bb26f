using System.Text.Json;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Metering.Journal;
using FrontierGateway.Gateway.Simulated;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Wire;
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
    UsageRecorder recorder, UsageJournal journal, LiveUsage live, KeyActivity activity, SimulatedModel simulated, TokenCounter tokens,
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
        var admission = await counters.TryAdmitAsync(policy, now, context.RequestAborted);
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
        var usage = Provisional(request, caller, requestId, now);
        var admittedIn = journal.Admit(usage);
        var metered = await ForwardAndMeterAsync(context, request, policy, usage, admittedIn);
        live.RecordCall(caller.Group.Id, request.Slug, context.Response.StatusCode, metered, time.GetElapsedTime(admitted));
    }

    /// <summary>
    /// The call's event as far as it is known at admission: what the journal keeps if the host dies during the call,
    /// with the prompt estimated at four bytes of body a token (OpenAI's rule of thumb) and no output.
    /// </summary>
    private static UsageEvent Provisional(InferenceRequest request, Caller caller, string requestId, DateTime now) => new()
    {
        IdempotencyKey = Ids.NewUlid(),
        Timestamp = now,
        RequestId = requestId,
        RequestMetadata = request.Fields.Metadata,
        ModelSlug = request.Slug,
        GroupId = caller.Group.Id,
        ExternalEntityId = caller.Group.ExternalEntityId,
        ApiKeyPrefix = caller.Key.Prefix,
        InputTokens = (request.Raw.Length + 3) / 4,
        Estimated = true,
    };

    /// <summary>
    /// Answers the tokens metered: 0 when the call failed. The call ends in the journal, as its event or as void,
    /// before the response's held-back last bytes are released to the client.
    /// </summary>
    private async Task<long> ForwardAndMeterAsync(HttpContext context, InferenceRequest request, SlugPolicy policy,
        UsageEvent usage, JournalSegment admittedIn)
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
                var retry = new UpstreamRetry(cluster, request);
                do
                {
                    retry.Aim(context);
                    await next(context);
                }
                while (retry.ShouldRetry(context));
            }
            else
            {
                context.Response.Body = original;
                await OpenAIError.WriteAsync(context, 502, "The model's upstream is not configured yet.",
                    "upstream_error", "upstream_unreachable");
                journal.Void(admittedIn, usage);
                return 0;
            }
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
        var failure = UpstreamFailure(context);
        if (failure is not null || context.Response.StatusCode is < 200 or >= 300 || meter.BytesWritten == 0)
        {
            journal.Void(admittedIn, usage);
            await (failure is { } error ? UpstreamErrorAsync(context, error) : ReleaseAsync(meter, context));
            return 0;
        }
        var counted = meter.Usage ?? new TokenUsage(PromptTokens(request, usage.InputTokens), tokens.Count(meter.DeliveredText), 0);
        usage.Timestamp = time.GetUtcNow().UtcDateTime;
        (usage.InputTokens, usage.OutputTokens, usage.CachedInputTokens) = (counted.Input, counted.Output, counted.Cached);
        usage.Estimated = meter.Usage is null;
        journal.Complete(usage);
        await ReleaseAsync(meter, context);
        // Not the request's token: the call was made, and its tokens count even if the client has gone.
        await counters.AddTokensAsync(policy, counted.Total, usage.Timestamp, CancellationToken.None);
        recorder.Record(usage, admittedIn);
        return counted.Total;
    }

    /// <summary>
    /// The gateway's own count of the prompt; the admission estimate when the body does not parse as a tree (a
    /// repeated property name passes the gateway's reader, which only reads its own fields, but not JsonNode).
    /// </summary>
    private long PromptTokens(InferenceRequest request, long estimate)
    {
        try
        {
            return tokens.CountPrompt(request.Operation, request.Body);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return estimate;
        }
    }

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

    /// <summary>A proxy failure that happened before the response started, if there was one.</summary>
    private static ForwarderError? UpstreamFailure(HttpContext context) =>
        context.GetForwarderErrorFeature() is { } failure && !context.Response.HasStarted ? failure.Error : null;

    /// <summary>Answers a failure before the response started: 504 on timeout, else 502; nothing when the client left.</summary>
    private static Task UpstreamErrorAsync(HttpContext context, ForwarderError error)
    {
        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyClient)
        {
            return Task.CompletedTask;
        }
        var timedOut = error == ForwarderError.RequestTimedOut;
        return OpenAIError.WriteAsync(context, timedOut ? 504 : 502,
            timedOut ? "The upstream model did not answer in time." : "The upstream model could not be reached.",
            "upstream_error", timedOut ? "upstream_timeout" : "upstream_unreachable");
    }

    private static InferenceOperation OperationOf(PathString path) =>
        path.StartsWithSegments("/v1/chat") ? InferenceOperation.ChatCompletions
        : path.StartsWithSegments("/v1/embeddings") ? InferenceOperation.Embeddings
        : InferenceOperation.Completions;
}
