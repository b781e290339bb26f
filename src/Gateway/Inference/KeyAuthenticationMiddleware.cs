using System.Diagnostics;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The first step: the customer key, checked against the snapshot (401 when it is not a live key). Starts the
/// call's <see cref="InferenceCall"/> and notes the key's use.
/// </summary>
internal sealed class KeyAuthenticationMiddleware(RequestDelegate next, SnapshotStore snapshots, KeyActivity activity,
    TimeProvider time)
{
    public Task InvokeAsync(HttpContext context)
    {
        var snapshot = snapshots.Current;
        var now = time.GetUtcNow().UtcDateTime;
        if (!InferenceAuth.TryAuthenticate(context.Request, snapshot, now, out var key, out var group))
        {
            return OpenAIError.InvalidKeyAsync(context);
        }
        activity.Touch(key.Prefix, now);
        context.Features.Set(new InferenceCall { Snapshot = snapshot, Now = now, Started = Stopwatch.GetTimestamp(), Key = key, Group = group });
        return next(context);
    }
}
