using System.Text.Json.Serialization;

namespace FrontierGateway.Data.Entities;

/// <summary>Where billing events are delivered. One row: the workspace's receiver.</summary>
public sealed class WebhookEndpoint
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public string? Url { get; set; }
    public bool Enabled { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A signing secret; several may be active during a rotation. Encrypted at rest (Data Protection).</summary>
public sealed class WebhookSecret
{
    public required string Id { get; set; }
    public required string ProtectedSecret { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RetiredAt { get; set; }
}

[JsonConverter(typeof(WireEnumConverter<DeliveryStatus>))]
public enum DeliveryStatus { Pending, Delivered, Failed, Dead }

/// <summary>One batch of events, stored before its first attempt: the durable outbox.</summary>
public sealed class WebhookDelivery
{
    public required string Id { get; set; }
    /// <summary>Sent as X-Baseten-Request-ID, the same on every attempt, so receivers can dedupe.</summary>
    public Guid RequestId { get; set; }
    public DeliveryStatus Status { get; set; }
    /// <summary>The exact body that is signed and sent.</summary>
    public required string Payload { get; set; }
    public int EventCount { get; set; }
    public int Attempts { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public int? LastLatencyMs { get; set; }
    public bool IsTest { get; set; }

    /// <summary>The host attempting it now, when one is: with several hosts, each attempt has one sender.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>Until when <see cref="LeaseOwner"/> holds it; a host that died lets it go at this time.</summary>
    public DateTime? LeaseUntil { get; set; }
}
