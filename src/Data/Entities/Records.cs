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
