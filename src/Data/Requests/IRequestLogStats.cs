namespace FrontierGateway.Data.Requests;

/// <summary>How the request log's write-behind is doing, for the portal (the gateway's queue implements it).</summary>
public interface IRequestLogStats
{
    /// <summary>Rows not logged since the host started because the queue was full or the database refused a batch.</summary>
    long Dropped { get; }

    /// <summary>How many hours rows are kept (<c>RequestLog:RetentionHours</c>).</summary>
    int RetentionHours { get; }
}
