using System.Text.Json.Serialization;

namespace FrontierGateway.Data.Entities;

/// <summary>
/// A customer key: calls the inference API with its group's effective models. A revoked key stays stored (its prefix
/// is never reused) and is seen only by queries that say IgnoreQueryFilters(); KeyQueries.Live also leaves out expired ones.
/// </summary>
public sealed class CustomerApiKey
{
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public string? Name { get; set; }
    public required string GroupId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>Who revoked the key (the audit log's actor), or null for keys revoked before this was recorded.</summary>
    public string? RevokedBy { get; set; }
}

/// <summary>Spelled in lower case (<c>manage</c>, <c>view</c>), as the contract names the scopes.</summary>
[JsonConverter(typeof(WireEnumConverter<WorkspaceScope>))]
public enum WorkspaceScope
{
    [JsonStringEnumMemberName("manage")] Manage,
    [JsonStringEnumMemberName("view")] View,
}

/// <summary>A key for the management API. Revoked ones are seen only by queries that say IgnoreQueryFilters().</summary>
public sealed class WorkspaceApiKey
{
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public string? Name { get; set; }
    public WorkspaceScope Scope { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
