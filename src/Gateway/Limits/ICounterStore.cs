using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Gateway.Limits;

/// <summary>How close a call left the tightest limit of one type: what the x-ratelimit headers report.</summary>
public readonly record struct Headroom(LimitRule Rule, long Remaining, TimeSpan Reset);

/// <summary>The verdict on one call: a refusal naming the limit, or the headroom left.</summary>
public sealed record Admission(LimitRule? RefusedBy, TimeSpan RetryAfter, Headroom? Requests, Headroom? Tokens)
{
    public bool Admitted => RefusedBy is null;
}

public readonly record struct DailyKey(string GroupId, string Slug, LimitType Type, DateOnly Day);

/// <summary>
/// The counters behind every limit. One small interface so that a shared (Redis) store can replace the
/// in-process one when several hosts run side by side.
/// </summary>
public interface ICounterStore
{
    /// <summary>Atomically checks every rule and, when all have headroom, counts the call as one request.</summary>
    Admission TryAdmit(SlugPolicy policy, DateTime now);

    /// <summary>Debits a finished call's tokens.</summary>
    void AddTokens(SlugPolicy policy, long tokens, DateTime now);

    /// <summary>A group's use of a slug today; null before its first call.</summary>
    long? ReadDaily(string groupId, string slug, LimitType type, DateOnly day);

    /// <summary>Daily counters changed since the last call, with their new totals, to persist.</summary>
    IReadOnlyList<KeyValuePair<DailyKey, long>> TakeChangedDaily();

    /// <summary>Loads persisted daily totals at start-up.</summary>
    void LoadDaily(IEnumerable<KeyValuePair<DailyKey, long>> totals);
}
