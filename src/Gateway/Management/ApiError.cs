using System.Text.Json.Serialization;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FrontierGateway.Gateway.Management;

public sealed record ErrorDetail(string Message, string Type, string? Param, string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConflictingLimit? ConflictingLimit = null);

/// <summary>
/// An extra field of a CASCADING refusal (the message stays the documented one): the group whose limit this
/// threshold would cross, its threshold, and <c>ANCESTOR</c> (a cap above) or <c>DESCENDANT</c> (a limit below already higher).
/// </summary>
public sealed record ConflictingLimit(string GroupId, long Threshold, string Relation)
{
    public static ConflictingLimit? From(LimitConflict? conflict) => conflict is null ? null
        : new(conflict.GroupId, conflict.Threshold, conflict.Relation == LimitRelation.Ancestor ? "ANCESTOR" : "DESCENDANT");
}

public sealed record ErrorBody(ErrorDetail Error);

/// <summary>The error shape of the management API (and of OpenAI's).</summary>
public static class ApiError
{
    public static JsonHttpResult<ErrorBody> Result(int status, string message, string? param, string? code) =>
        TypedResults.Json(new ErrorBody(new ErrorDetail(message, TypeOf(status), param, code)), ApiJson.Options,
            statusCode: status);

    public static JsonHttpResult<ErrorBody> From(DomainException e) =>
        TypedResults.Json(Body(e), ApiJson.Options, statusCode: e.Status);

    public static BadRequest<ErrorBody> BadRequest(DomainException e) => TypedResults.BadRequest(Body(e));

    public static NotFound<ErrorBody> NotFound(DomainException e) => TypedResults.NotFound(Body(e));

    private static ErrorBody Body(DomainException e) =>
        new(new ErrorDetail(e.Message, TypeOf(e.Status), e.Param, e.Code, ConflictingLimit.From(e.Conflict)));

    public static string TypeOf(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        _ => "invalid_request_error",
    };
}
