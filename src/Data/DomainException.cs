namespace FrontierGateway.Data;

/// <summary>A request the domain refuses: the status, the field it concerns and why.</summary>
public sealed class DomainException(int status, string? param, string message, string code)
    : Exception(message)
{
    public int Status { get; } = status;
    public string? Param { get; } = param;
    public string Code { get; } = code;

    /// <summary>For a CASCADING refusal: the limit elsewhere in the tree that this one would cross.</summary>
    public LimitConflict? Conflict { get; init; }

    public static DomainException Invalid(string param, string message, string code = "invalid_value") =>
        new(400, param, message, code);

    public static DomainException NotFound(string param, string message) =>
        new(404, param, message, "not_found");
}

public enum LimitRelation { Ancestor, Descendant }

/// <summary>
/// The limit a CASCADING threshold would cross: the group that declares it (id and the name people know it by), its
/// threshold, and whether it sits above (an ancestor's cap) or below (a descendant already higher).
/// </summary>
public sealed record LimitConflict(string GroupId, string GroupName, long Threshold, LimitRelation Relation);
