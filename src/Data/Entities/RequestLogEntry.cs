namespace FrontierGateway.Data.Entities;

/// <summary>
/// One inference call that reached admission (admitted or refused), for the portal's request log. Written behind the
/// request path in batches, best effort (a row may be dropped under overload, and is counted); pruned after
/// <c>RequestLog:RetentionHours</c>. Not a billing record: usage events are.
/// </summary>
public sealed class RequestLogEntry
{
    public long Id { get; set; }
    public DateTime Timestamp { get; set; }
    public required string RequestId { get; set; }
    public required string KeyPrefix { get; set; }
    public required string GroupId { get; set; }
    public required string Slug { get; set; }
    public int Status { get; set; }
    /// <summary>From arrival at admission to the end of the response, in microseconds.</summary>
    public long LatencyMicroseconds { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    /// <summary>The limit that refused a 429: <c>10 REQUEST per DAY</c>; null otherwise.</summary>
    public string? RefusedLimit { get; set; }
    /// <summary>The group that declared the refusing limit (in CASCADING, an ancestor's).</summary>
    public string? RefusedSourceGroupId { get; set; }
    /// <summary>A short error code for a call that failed: <c>usage_limit_exceeded</c>, <c>upstream_502</c>.</summary>
    public string? Error { get; set; }
}
