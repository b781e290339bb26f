using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Gateway.Limits;

/// <summary>How close a call left the tightest limit of one type: what the x-ratelimit headers report.</summary>
public readonly record struct Headroom(LimitRule Rule, long Remaining, TimeSpan Reset);

/// <summary>The verdict on one call: a refusal naming the limit, or the headroom left.</summary>
public sealed record Admission(LimitRule? RefusedBy, TimeSpan RetryAfter, Headroom? Requests, Headroom? Tokens)
{
    public bool Admitted => RefusedBy is null && Mode != LimitsMode.Unavailable;

    /// <summary>Exact, or the outage policy that decided the call while the shared store was down.</summary>
    public LimitsMode Mode { get; init; }
}

/// <summary>
/// The counters behind every limit: rolling SECOND and MINUTE windows and UTC-day totals. One small interface so
/// that a shared (Redis) store can replace the in-process one when several hosts run side by side; every
/// implementation passes the contract tests (<c>CounterStoreContract</c>). Asynchronous because a shared store
/// answers over the network; the in-process store answers synchronously, so its calls cost no allocation on the
/// request path. The <c>now</c> arguments are the host's clock; a store with a clock of its own (Redis's, shared by
/// every host) ignores them.
/// </summary>
public interface ICounterStore
{
    /// <summary>
    /// Checks every rule of the policy and, when all have headroom, counts the call as one request on every
    /// counter of the chain at once; a refused call counts nowhere.
    /// </summary>
    ValueTask<Admission> TryAdmitAsync(SlugPolicy policy, DateTime now, CancellationToken ct = default);

    /// <summary>Debits a finished call's tokens.</summary>
    ValueTask AddTokensAsync(SlugPolicy policy, long tokens, DateTime now, CancellationToken ct = default);

    /// <summary>A group's use of a slug on a UTC day; null before its first call that day.</summary>
    ValueTask<long?> ReadDailyAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct = default);
}
