using Microsoft.AspNetCore.Identity;

namespace FrontierGateway.Data.Entities;

/// <summary>Tokens or requests one group used of one slug on one UTC day.</summary>
public sealed class DailyUsage
{
    public required string GroupId { get; set; }
    public required string Slug { get; set; }
    public LimitType Type { get; set; }
    public DateOnly Day { get; set; }
    public long Value { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One change, who made it, and the state before and after (JSON).</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string TargetType { get; set; }
    public required string TargetId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}

/// <summary>A portal user; a Customer is bound to one group.</summary>
public sealed class PortalUser : IdentityUser
{
    public string? GroupId { get; set; }
}

/// <summary>
/// A committed change to what a gateway snapshot holds, written in the same unit of work: each host reads the ones
/// it has not applied yet (<c>SnapshotStore</c>'s catch-up), so that a change whose bus message never reached it is
/// in force there too without reading the whole database again.
/// </summary>
public sealed class ChangeEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }

    /// <summary>The groups changed (each one's subtree is read again), as a JSON array; null for none.</summary>
    public string? GroupIds { get; set; }

    /// <summary>The keys changed, by prefix, as a JSON array; null for none.</summary>
    public string? KeyPrefixes { get; set; }

    /// <summary>Whether the endpoints changed.</summary>
    public bool Endpoints { get; set; }
}
