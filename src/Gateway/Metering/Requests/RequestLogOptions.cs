using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Metering.Requests;

/// <summary>Section <c>RequestLog</c>: the portal's log of recent inference calls.</summary>
public sealed class RequestLogOptions
{
    public const string Section = "RequestLog";

    /// <summary>Off: no call is logged (the request path then only tests a flag).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Rows waiting for the writer at most. A call that finds the queue full is not logged, and counted
    /// (<c>RequestLog.Dropped</c>): under overload the request path never waits for the log.
    /// </summary>
    public int Capacity { get; set; } = 20_000;

    /// <summary>Rows written per database batch at most.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long a row may wait for its batch.</summary>
    public int FlushMilliseconds { get; set; } = 1000;

    /// <summary>Rows older than this are pruned, hourly.</summary>
    public int RetentionHours { get; set; } = 168;
}

internal sealed class ValidateRequestLogOptions : IValidateOptions<RequestLogOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestLogOptions o)
    {
        var errors = new List<string>();
        if (o.Capacity is < 1 or > 10_000_000)
        {
            errors.Add("RequestLog:Capacity must be from 1 to 10000000.");
        }
        if (o.BatchSize is < 1 or > 10_000)
        {
            errors.Add("RequestLog:BatchSize must be from 1 to 10000.");
        }
        if (o.FlushMilliseconds < 1)
        {
            errors.Add("RequestLog:FlushMilliseconds must be at least 1.");
        }
        if (o.RetentionHours < 1)
        {
            errors.Add("RequestLog:RetentionHours must be at least 1.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
