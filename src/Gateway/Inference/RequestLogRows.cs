using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The request log's row of a call that reached admission: a refused one (<see cref="AdmissionMiddleware"/>) or an
/// admitted one once answered (<see cref="MeteringMiddleware"/>). Calls refused before admission (401, 400, 404) are
/// not logged: they have no group, or no model, to file them under.
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

    public static RequestLogEntry Answered(InferenceCall call, HttpContext context, UsageEvent usage, bool metered, DateTime now)
    {
        var status = context.Response.StatusCode;
        var row = Row(call, context, now, status);
        if (metered)
        {
            (row.InputTokens, row.OutputTokens) = (usage.InputTokens, usage.OutputTokens);
        }
        var failure = ForwardMiddleware.Failure(context);
        if (status >= 400 || failure is not null)
        {
            row.Error = failure is { } error ? $"upstream_{error}" : $"http_{status}";
        }
        return row;
    }

    private static RequestLogEntry Row(InferenceCall call, HttpContext context, DateTime now, int status) => new()
    {
        Timestamp = call.Now,
        RequestId = context.TraceIdentifier,
        KeyPrefix = call.Key.Prefix,
        GroupId = call.Group.Id,
        Slug = call.Request.Slug,
        Status = status,
        LatencyMicroseconds = Math.Max(0, (now - call.Now).Ticks / TimeSpan.TicksPerMicrosecond),
    };
}
