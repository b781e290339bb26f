using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Groups;

/// <summary>The upper-case enum spellings of the wire contract.</summary>
public static class WireNames
{
    public static string Of(LimitType type) => type == LimitType.Token ? "TOKEN" : "REQUEST";

    public static string Of(LimitUnit unit) => unit switch
    {
        LimitUnit.Second => "SECOND",
        LimitUnit.Minute => "MINUTE",
        _ => "DAY",
    };

    public static string Of(LimitEnforcement mode) => mode == LimitEnforcement.Cascading ? "CASCADING" : "INDEPENDENT";

    public static LimitType? ParseType(string? value) => value switch
    {
        "TOKEN" => LimitType.Token,
        "REQUEST" => LimitType.Request,
        _ => null,
    };

    public static LimitUnit? ParseUnit(string? value) => value switch
    {
        "SECOND" => LimitUnit.Second,
        "MINUTE" => LimitUnit.Minute,
        "DAY" => LimitUnit.Day,
        _ => null,
    };

    public static LimitEnforcement? ParseEnforcement(string? value) => value switch
    {
        "INDEPENDENT" => LimitEnforcement.Independent,
        "CASCADING" => LimitEnforcement.Cascading,
        _ => null,
    };
}
