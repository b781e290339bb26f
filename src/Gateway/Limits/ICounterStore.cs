using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Gateway.Limits;

/// <summary>How close a call left the tightest limit of one type: what the x-ratelimit headers report.</summary>
public readonly record struct Headroom(LimitRule Rule, long Remaining, TimeSpan Reset);

/// <summary>
/// The tokens an admitted call holds against every TOKEN limit of its policy until it settles, and when it took them
/// (on the store's clock): the store returns what was not used to the window it was taken from.
/// </summary>
public readonly record struct Reservation(long Tokens, DateTime At)
{
    /// <summary>No tokens held: settling then debits the call's tokens as they are.</summary>
    public static readonly Reservation None = default;
}

/// <summary>The verdict on one call: a refusal naming the limit, or the headroom left.</summary>
public sealed record Admission(LimitRule? RefusedBy, TimeSpan RetryAfter, Headroom? Requests, Headroom? Tokens)
{
    /// <summary>The caller's key, or a group of its chain, was revoked after this host's snapshot was taken.</summary>
    public static readonly Admission Revoked = new(null, TimeSpan.Zero, null, null) { IsRevoked = true };

    public bool IsRevoked { get; private init; }

    public bool Admitted => RefusedBy is null && !IsRevoked && Mode != LimitsMode.Unavailable;

    /// <summary>What the admitted call holds against the TOKEN limits; settled by <see cref="ICounterStore.SettleAsync"/>.</summary>
    public Reservation Reservation { get; init; }

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
/// <remarks>
/// TOKEN limits are checked against an upper bound of the call, reserved at admission and settled to the real usage
/// when the call ends, so concurrent calls cannot overshoot a limit by more than their real usage exceeded what they
/// reserved. A reservation that is never settled (its host died) leaves its SECOND or MINUTE windows with them; on a DAY
/// limit it counts as used after <c>Limits:ReservationTtlSeconds</c>, so that a lost settlement never lets a caller past
/// a daily limit (it counts the reservation, not what the call used: against the caller, never for it).
/// </remarks>
public interface ICounterStore
{
    /// <summary>
    /// Checks every rule of the policy and, when all have room, counts the call at once on every counter of the
    /// chain: one request, and <paramref name="tokens"/> reserved on every TOKEN counter. A TOKEN rule has room when
    /// its use, the reservations outstanding and this one fit under its threshold. A refused call counts nowhere.
    /// A shared store also refuses a caller whose key (<paramref name="keyPrefix"/>) or group was revoked since this
    /// host's snapshot (<see cref="Admission.Revoked"/>); the in-process store has no other host to hear that from.
    /// </summary>
    ValueTask<Admission> TryAdmitAsync(SlugPolicy policy, string keyPrefix, long tokens, DateTime now, CancellationToken ct = default);

    /// <summary>
    /// Ends an admitted call: its <paramref name="tokens"/> (0 for a call that failed) replace its
    /// <paramref name="reservation"/> on every TOKEN counter, and count on the TOKEN day totals of its chain.
    /// Called once a call, whatever way it ended.
    /// </summary>
    ValueTask SettleAsync(SlugPolicy policy, Reservation reservation, long tokens, DateTime now, CancellationToken ct = default);

    /// <summary>
    /// Whether a shared store knows the caller's key (<paramref name="keyPrefix"/>) or its group to be revoked since this
    /// host's snapshot, as <see cref="TryAdmitAsync"/> checks for an inference call: for the calls that count nowhere
    /// (<c>GET /v1/models</c>). Deleting a group deletes its subtree, so the caller's own group's marker is enough.
    /// The in-process store answers false: this host's snapshot is the only one.
    /// </summary>
    ValueTask<bool> IsRevokedAsync(GroupPolicy group, string keyPrefix, CancellationToken ct = default);

    /// <summary>A group's use of a slug on a UTC day; null before its first call that day.</summary>
    ValueTask<long?> ReadDailyAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct = default);
}
