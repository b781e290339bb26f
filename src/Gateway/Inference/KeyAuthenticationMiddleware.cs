using System.Diagnostics;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The first step: the customer key, checked against the snapshot (401 when it is not a live key; while the host's
/// first whole read runs, a key the snapshot lacks is read from the database first). Starts the call's
/// <see cref="InferenceCall"/> and notes the key's use.
/// </summary>
internal sealed class KeyAuthenticationMiddleware(RequestDelegate next, SnapshotStore snapshots, KeyActivity activity,
    TimeProvider time)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Warming is read before the snapshot: the whole read is swapped in before warming ends, so a host that is no
        // longer warming has it.
        var warming = snapshots.IsWarming;
        var snapshot = snapshots.Current;
        var now = time.GetUtcNow().UtcDateTime;
        if (!InferenceAuth.TryAuthenticate(context.Request, snapshot, now, out var key, out var group))
        {
            return warming ? WarmAsync(context, now) : OpenAIError.InvalidKeyAsync(context);
        }
        return Continue(context, new(snapshot, key, group), now);
    }

    /// <summary>While the host's first whole read runs: the key read from the database when the snapshot lacks it.</summary>
    private async Task WarmAsync(HttpContext context, DateTime now)
    {
        var found = await InferenceAuth.AuthenticateAsync(context.Request, snapshots, now, context.RequestAborted);
        await (found switch
        {
            { Unavailable: true } => OpenAIError.StartingAsync(context),
            { Key: null } => OpenAIError.InvalidKeyAsync(context),
            _ => Continue(context, found, now),
        });
    }

    private Task Continue(HttpContext context, Authenticated found, DateTime now)
    {
        activity.Touch(found.Key!.Prefix, now);
        context.Features.Set(new InferenceCall
        {
            Snapshot = found.Snapshot, Now = now, Started = Stopwatch.GetTimestamp(), Key = found.Key, Group = found.Group!,
        });
        return next(context);
    }
}
