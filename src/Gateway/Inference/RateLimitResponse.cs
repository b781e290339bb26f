using System.Globalization;
using System.Text.Json.Nodes;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>The x-ratelimit headers of every answer, and the 429 of a refused call.</summary>
internal static class RateLimitResponse
{
    private static readonly HeaderNames Requests = new("requests");
    private static readonly HeaderNames Tokens = new("tokens");

    /// <summary>Says which outage policy decided a call while Redis was down (<c>Limits:RedisOutage</c>).</summary>
    public const string LimitsHeader = "x-frontier-limits";

    public static void WriteHeaders(HttpResponse response, Admission admission)
    {
        Write(response, Requests, admission.Requests);
        Write(response, Tokens, admission.Tokens);
        if (admission.Mode is LimitsMode.Degraded or LimitsMode.FailOpen)
        {
            response.Headers[LimitsHeader] = admission.Mode == LimitsMode.Degraded ? "degraded" : "fail-open";
        }
    }

    /// <param name="reserved">The tokens the call asked to reserve: more than a TOKEN limit's whole threshold is a call too large for it.</param>
    public static Task RefuseAsync(HttpContext context, string slug, Admission admission, long reserved)
    {
        if (admission.Mode == LimitsMode.Unavailable)
        {
            return UnavailableAsync(context, admission);
        }
        var rule = admission.RefusedBy!;
        var seconds = Math.Max(1, (long)Math.Ceiling(admission.RetryAfter.TotalSeconds));
        var kind = rule.Unit == LimitUnit.Day ? "usage_limit_exceeded" : "rate_limit_exceeded";
        var headers = context.Response.Headers;
        headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var names = rule.Type == LimitType.Request ? Requests : Tokens;
        headers[names.Limit] = rule.Threshold.ToString(CultureInfo.InvariantCulture);
        headers[names.Remaining] = "0";
        headers[names.Reset] = Duration(admission.RetryAfter);
        var what = rule.Unit == LimitUnit.Day ? "Daily usage limit" : "Rate limit";
        var limitText = $"{rule.Threshold} {WireNames.Of(rule.Type)} per {WireNames.Of(rule.Unit)} (limit of group {rule.SourceGroupId})";
        // OpenAI's "Request too large": waiting does not help, a smaller prompt or max_tokens does.
        var message = rule.Type == LimitType.Token && reserved > rule.Threshold
            ? $"Request too large for {slug}: it may use up to {reserved} tokens (its prompt and max_tokens or max_completion_tokens,"
                + $" times n), more than the limit of {limitText}. Lower max_tokens or shorten the prompt."
            : $"{what} reached for {slug}: {limitText}. Retry after {seconds}s.";
        var limit = new JsonObject
        {
            ["type"] = WireNames.Of(rule.Type),
            ["unit"] = WireNames.Of(rule.Unit),
            ["threshold"] = rule.Threshold,
            ["source_group"] = rule.SourceGroupId,
        };
        return OpenAIError.WriteAsync(context, 429, message, kind, kind, null, new JsonObject { ["limit"] = limit });
    }

    /// <summary>
    /// The 503 of <c>Limits:RedisOutage=FailClosed</c>: no limit can be checked, so no call is admitted. A server error
    /// in OpenAI's shape, which the OpenAI SDKs retry by themselves, after <c>Retry-After</c>.
    /// </summary>
    private static Task UnavailableAsync(HttpContext context, Admission admission)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(admission.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return OpenAIError.WriteAsync(context, 503,
            $"Rate limits unavailable: the shared limit store cannot be reached, so no call is admitted. Retry after {seconds}s.",
            "server_error", "limits_unavailable");
    }

    private static void Write(HttpResponse response, HeaderNames names, Headroom? headroom)
    {
        if (headroom is not { } h)
        {
            return;
        }
        var headers = response.Headers;
        headers[names.Limit] = names.LimitText(h.Rule.Threshold);
        headers[names.Remaining] = Math.Max(0, h.Remaining).ToString(CultureInfo.InvariantCulture);
        headers[names.Reset] = Duration(h.Reset);
    }

    // Every answer carries two resets, nearly always under a second or under an hour: their spellings are made once.
    private static readonly string?[] Milliseconds = new string?[1000];
    private static readonly string?[] Seconds = new string?[3600];

    /// <summary>OpenAI's duration spelling: <c>20ms</c>, <c>1s</c>, <c>6m0s</c>, <c>2h3m0s</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
        {
            var ms = Math.Max(0, (long)Math.Ceiling(span.TotalMilliseconds));
            return ms < Milliseconds.Length ? Milliseconds[ms] ??= $"{ms}ms" : $"{ms}ms";
        }
        var seconds = (long)Math.Ceiling(span.TotalSeconds);
        return seconds < Seconds.Length ? Seconds[seconds] ??= Spell(seconds) : Spell(seconds);
    }

    private static string Spell(long seconds)
    {
        var (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
        return h > 0 ? $"{h}h{m}m{s}s" : m > 0 ? $"{m}m{s}s" : $"{s}s";
    }

    /// <summary>The three header names of one limit type, made once, and the last threshold written as text.</summary>
    private sealed record HeaderNames(string Suffix)
    {
        public string Limit { get; } = "x-ratelimit-limit-" + Suffix;
        public string Remaining { get; } = "x-ratelimit-remaining-" + Suffix;
        public string Reset { get; } = "x-ratelimit-reset-" + Suffix;

        // Replaced whole, so a reader sees a value and its text together.
        private Spelled last = new(0, "0");

        /// <summary>A threshold as text: the same limit on call after call, so the last one is kept.</summary>
        public string LimitText(long threshold)
        {
            var known = Volatile.Read(ref last);
            if (known.Value == threshold)
            {
                return known.Text;
            }
            var text = threshold.ToString(CultureInfo.InvariantCulture);
            Volatile.Write(ref last, new Spelled(threshold, text));
            return text;
        }

        private sealed record Spelled(long Value, string Text);
    }
}
