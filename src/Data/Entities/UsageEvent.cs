namespace FrontierGateway.Data.Entities;

/// <summary>One accepted, completed call: what billing is made of (SPEC §7).</summary>
public sealed class UsageEvent
{
    /// <summary>A ULID: unique, time-ordered; receivers dedupe on it.</summary>
    public required string IdempotencyKey { get; set; }
    public DateTime Timestamp { get; set; }
    public required string RequestId { get; set; }
    public string? RequestMetadata { get; set; }
    public required string ModelSlug { get; set; }
    public required string GroupId { get; set; }
    public required string ExternalEntityId { get; set; }
    public required string ApiKeyPrefix { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CachedInputTokens { get; set; }
    /// <summary>True when the gateway counted the tokens itself (no usage from the upstream).</summary>
    public bool Estimated { get; set; }
    /// <summary>
    /// True when the host died during the call: the event was rebuilt from the journal's admission line, with the
    /// prompt estimated from the body's size and no output (see README, "What survives a crash").
    /// </summary>
    public bool Interrupted { get; set; }
    /// <summary>
    /// What the call cost, from the slug's price in force when it ended (<c>ModelPrice.CostOf</c>); null when the slug
    /// had no price then. Never recomputed: a later price change leaves it as it is.
    /// </summary>
    public decimal? Cost { get; set; }
    public string? CostCurrency { get; set; }
    /// <summary>
    /// The call's answer status, for the request log (<see cref="LoggedCall"/>): a metered call's log row is its event,
    /// not a row of its own. Null when the request log is off, for a call the host's end cut off (an interrupted
    /// event), and for an event of a journal line written by a build before status was journaled.
    /// </summary>
    public int? Status { get; set; }
    /// <summary>
    /// From the call's start to its last byte, for the request log (from a journal line: to its last chunk, a little
    /// earlier); null when <see cref="Status"/> is.
    /// </summary>
    public long? LatencyMicroseconds { get; set; }
    /// <summary>The webhook delivery that carries this event; null until it is batched.</summary>
    public string? DeliveryId { get; set; }
}
