namespace FrontierGateway.Data;

/// <summary>A request the domain refuses: the status, the field it concerns and why.</summary>
public sealed class DomainException(int status, string? param, string message, string code)
    : Exception(message)
{
    public int Status { get; } = status;
    public string? Param { get; } = param;
    public string Code { get; } = code;

    public static DomainException Invalid(string param, string message, string code = "invalid_value") =>
        new(400, param, message, code);

    public static DomainException NotFound(string param, string message) =>
        new(404, param, message, "not_found");
}
