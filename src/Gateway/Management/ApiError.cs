using System.Text.Json.Serialization;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FrontierGateway.Gateway.Management;

/// <param name="ConflictingLimit">A CASCADING refusal's limit crossed, beside the four fields of the contract (SPEC §2).</param>
/// <param name="RequestId">The call's <c>x-request-id</c>, beside the four fields of the contract.</param>
public sealed record ErrorDetail(string Message, string Type, string? Param, string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConflictingLimit? ConflictingLimit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestId = null);

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

    /// <summary>The same error, naming the call's request id.</summary>
    public static JsonHttpResult<ErrorBody> Named(int status, ErrorBody body, HttpContext context) =>
        TypedResults.Json(body with { Error = body.Error with { RequestId = context.TraceIdentifier } }, ApiJson.Options,
            statusCode: status);

    /// <summary>
    /// The management API's endpoint filter: an error a handler answered (<see cref="ErrorBody"/>, however its result
    /// type wraps it) gets the call's request id, so that every 4xx body names it as the 500's does.
    /// </summary>
    public static async ValueTask<object?> NameRequestId(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        return Unwrap(result) is { Value: ErrorBody body } error && error is IStatusCodeHttpResult { StatusCode: { } status }
            ? Named(status, body, invocation.HttpContext)
            : result;
    }

    private static IValueHttpResult? Unwrap(object? result) => result switch
    {
        INestedHttpResult nested => Unwrap(nested.Result),
        IValueHttpResult value => value,
        _ => null,
    };
}
