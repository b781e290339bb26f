using System.Text.Json;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Audit;

/// <summary>Adds an audit entry to the same unit of work as the change it records.</summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static void Record(FrontierDbContext db, string actor, string action, string targetType,
        string targetId, object? before, object? after, DateTime at) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = at,
            Actor = actor,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        });
}
