using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Telemetry;

/// <summary>
/// The gateway's instruments, in the OpenTelemetry GenAI semantic conventions where one exists (names, units,
/// bucket boundaries as advice) and <c>frontier.*</c> for the gateway's own. One meter per host (made by the host's
/// <see cref="IMeterFactory"/>), so that two hosts in one process (the tests) export only their own. Recording costs a
/// call almost nothing: each instrument checks <see cref="Instrument.Enabled"/> first (false unless an exporter
/// listens: <c>Telemetry:Metrics=false</c>), and the attributes go in a <see cref="TagList"/> on the stack.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "FrontierGateway.Gateway";

    /// <summary>The meter of <c>frontier.limits.outages</c> (<c>LimitsOutage</c>), exported with this one.</summary>
    public const string LimitsMeterName = "FrontierGateway.Limits";

    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly double[] FirstTokenBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];
    private static readonly double[] PerTokenBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly bool groupIds;
    private readonly Histogram<double> duration;
    private readonly Histogram<long> tokens;
    private readonly Histogram<double> firstToken;
    private readonly Histogram<double> perOutputToken;
    private readonly Counter<long> admissions;
    private readonly Counter<long> upstreamErrors;
    private readonly Counter<long> rowsWritten;
    private readonly Histogram<double> webhookAttempt;
    private readonly Histogram<double> snapshotReload;

    public GatewayMetrics(IMeterFactory meters, OwnMeters own, IOptions<TelemetryOptions> options)
    {
        own.Claim(meters);
        groupIds = options.Value.GroupIdAttribute;
        Meter = meters.Create(MeterName);
        duration = Meter.CreateHistogram<double>("gen_ai.server.request.duration", "s",
            "Inference calls, from the key check to the last byte; error.type is the status of a failed call.",
            tags: null, advice: new() { HistogramBucketBoundaries = DurationBuckets });
        tokens = Meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}",
            "Tokens a completed call was metered (input and output; gen_ai.token.type).",
            tags: null, advice: new() { HistogramBucketBoundaries = TokenBuckets });
        firstToken = Meter.CreateHistogram<double>("gen_ai.server.time_to_first_token", "s",
            "Streamed calls: from the key check to the first event sent to the client.",
            tags: null, advice: new() { HistogramBucketBoundaries = FirstTokenBuckets });
        perOutputToken = Meter.CreateHistogram<double>("gen_ai.server.time_per_output_token", "s",
            "Streamed calls: the time after the first event divided by the output tokens after the first.",
            tags: null, advice: new() { HistogramBucketBoundaries = PerTokenBuckets });
        admissions = Meter.CreateCounter<long>("frontier.admissions", "{call}",
            "Calls the limits decided: outcome admitted, refused (frontier.limit names the limit), unavailable or revoked.");
        upstreamErrors = Meter.CreateCounter<long>("frontier.upstream.errors", "{call}",
            "Forwarded calls the upstream failed: error.type timeout, unreachable, or the upstream's status code.");
        rowsWritten = Meter.CreateCounter<long>("frontier.usage.rows_written", "{event}",
            "Usage events the write-behind stored in the database.");
        webhookAttempt = Meter.CreateHistogram<double>("frontier.webhook.delivery.duration", "s",
            "Webhook delivery attempts, by outcome (delivered, failed, retry, dead).",
            tags: null, advice: new() { HistogramBucketBoundaries = DurationBuckets });
        snapshotReload = Meter.CreateHistogram<double>("frontier.snapshot.reload.duration", "s",
            "Whole reloads of the in-memory snapshot (keys, groups, endpoints) from the database.",
            tags: null, advice: new() { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <summary>The host's meter: the owners of observable gauges (queue length, backlog, snapshot) add theirs to it.</summary>
    public Meter Meter { get; }

    /// <summary>One inference call that reached admission, as it ended.</summary>
    public void RecordCall(in CallRecord call)
    {
        if (!duration.Enabled)
        {
            return;
        }
        var tags = Common(call);
        if (call.Status >= 400)
        {
            tags.Add(GenAi.ErrorType, StatusText.Of(call.Status));
        }
        duration.Record(Seconds(call.Started, call.Ended), tags);
        if (call.Status >= 400)
        {
            return;
        }
        var usage = Common(call);
        usage.Add(GenAi.TokenType, GenAi.Input);
        tokens.Record(call.InputTokens, usage);
        usage[usage.Count - 1] = new(GenAi.TokenType, GenAi.Output);
        tokens.Record(call.OutputTokens, usage);
        if (call.FirstEvent is { } first)
        {
            var common = Common(call);
            firstToken.Record(Seconds(call.Started, first), common);
            if (call.OutputTokens > 1)
            {
                perOutputToken.Record(Seconds(first, call.Ended) / (call.OutputTokens - 1), common);
            }
        }
    }

    /// <summary>The limits' verdict on one call; <paramref name="limit"/> names the refusing limit (<see cref="LimitNames"/>).</summary>
    public void RecordAdmission(string outcome, string? limit, string model, string? groupId)
    {
        if (!admissions.Enabled)
        {
            return;
        }
        var tags = new TagList { { "outcome", outcome }, { GenAi.RequestModel, model } };
        if (limit is not null)
        {
            tags.Add("frontier.limit", limit);
        }
        if (groupIds && groupId is not null)
        {
            tags.Add(GenAi.GroupId, groupId);
        }
        admissions.Add(1, tags);
    }

    public void RecordUpstreamError(string errorType, string model, string provider) =>
        upstreamErrors.Add(1, new TagList { { GenAi.ErrorType, errorType }, { GenAi.RequestModel, model }, { GenAi.ProviderName, provider } });

    public void RecordRowsWritten(int rows) => rowsWritten.Add(rows);

    public void RecordWebhookAttempt(string outcome, TimeSpan elapsed) =>
        webhookAttempt.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordSnapshotReload(TimeSpan elapsed) => snapshotReload.Record(elapsed.TotalSeconds);

    private TagList Common(in CallRecord call)
    {
        var tags = new TagList
        {
            { GenAi.OperationName, call.Operation },
            { GenAi.ProviderName, call.Provider },
            { GenAi.RequestModel, call.Model },
        };
        if (groupIds)
        {
            tags.Add(GenAi.GroupId, call.GroupId);
        }
        return tags;
    }

    private static double Seconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalSeconds;
}

/// <summary>
/// What the metrics of one call need (timestamps from <see cref="Stopwatch.GetTimestamp"/>), passed by reference.
/// </summary>
internal readonly record struct CallRecord(string Operation, string Provider, string Model, string GroupId, int Status,
    long Started, long Ended, long? FirstEvent, long InputTokens, long OutputTokens);
