using System.Text.Json.Serialization;

namespace FrontierGateway.Data.Keys;

public sealed record KeyCreateInput(string? Name, DateTime? ExpiresAt);

public sealed record MintedKeyView(
    string ApiKey,
    string Prefix,
    string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? ExpiresAt);

public sealed record KeyView(string Prefix, string? Name, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? ExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? RevokedAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RevokedBy = null);

public sealed record RevokedKeyView(string Prefix);
