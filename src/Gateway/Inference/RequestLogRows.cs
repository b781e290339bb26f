using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Requests;
using FrontierGateway.Gateway.Limits;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The request log's row of a call that reached admission: a refused one (<see cref="AdmissionMiddleware"/>) or an
/// admitted one that was not metered, once answered (<see cref="MeteringMiddleware"/>). A metered call has no row of its
/// own: its usage event carries its status and latency, and the log reads it there (<see cref="LoggedCalls"/>), so the
/// request path writes one row a call. Calls refused before admission (401, 400, 404) are not logged: they have no
/// group, or no model, to file them under.
/// </summary>
internal static class RequestLogRows
{
    public static RequestLogEntry Refused(InferenceCall call, HttpContext context, Admission admission, DateTime now)
    {
        var row = Row(call, context, now, admission.Mode == LimitsMode.Unavailable ? 503 : 429);
        if (admission.RefusedBy is { } rule)
        {
            row.RefusedLimit = $"{rule.Threshold} {WireNames.Of(rule.Type)} per {WireNames.Of(rule.Unit)}";
            row.RefusedSourceGroupId = rule.SourceGroupId;
            row.Error = rule.Unit == LimitUnit.Day ? "usage_limit_exceeded" : "rate_limit_exceeded";
        }
        else
        {
            row.Error = "limits_unavailable";
        }
        return row;
    }

    /// <summary>The row of an admitted call that was not metered: failed, void, or answered with no bytes.</summary>
    public static RequestLogEntry Answered(InferenceCall call, HttpContext context, DateTime now)
    {
        var status = context.Response.StatusCode;
        var row = Row(call, context, now, status);
        var failure = ForwardMiddleware.Failure(context);
        if (status >= 400 || failure is not null)
        {
            row.Error = failure is { } error ? $"upstream_{error}" : $"http_{status}";
        }
        return row;
    }

    /// <summary>A metered call's log row is its usage event: its status and latency, which the log shows.</summary>
    public static void Fill(UsageEvent usage, InferenceCall call, HttpContext context, DateTime now)
    {
        usage.Status = context.Response.StatusCode;
        usage.LatencyMicroseconds = Latency(call, now);
    }

    private static RequestLogEntry Row(InferenceCall call, HttpContext context, DateTime now, int status) => new()
    {
        Timestamp = call.Now,
        RequestId = context.TraceIdentifier,
        KeyPrefix = call.Key.Prefix,
        GroupId = call.Group.Id,
        Slug = call.Request.Slug,
        Status = status,
        LatencyMicroseconds = Latency(call, now),
    };

    private static long Latency(InferenceCall call, DateTime now) => Math.Max(0, (now - call.Now).Ticks / TimeSpan.TicksPerMicrosecond);
}
