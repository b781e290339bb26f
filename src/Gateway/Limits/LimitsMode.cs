namespace FrontierGateway.Gateway.Limits;

/// <summary>How an admission was decided: by the counters every host shares, or by an outage policy without them.</summary>
public enum LimitsMode
{
    /// <summary>The store's own answer: exact (the in-process store, or Redis while it answers).</summary>
    Exact,

    /// <summary>Redis is down: decided by this host's counters against its share of each limit (<c>Degraded</c>).</summary>
    Degraded,

    /// <summary>Redis is down: admitted unchecked (<c>FailOpen</c>).</summary>
    FailOpen,

    /// <summary>Redis is down: refused, as no limit can be checked (<c>FailClosed</c>); the call gets a 503.</summary>
    Unavailable,
}
