using FrontierGateway.Data;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FrontierGateway.Gateway.Management;

public sealed record ErrorDetail(string Message, string Type, string? Param, string? Code);

public sealed record ErrorBody(ErrorDetail Error);

/// <summary>The error shape of the management API (and of OpenAI's).</summary>
public static class ApiError
{
    public static JsonHttpResult<ErrorBody> Result(int status, string message, string? param, string? code) =>
        TypedResults.Json(new ErrorBody(new ErrorDetail(message, TypeOf(status), param, code)), ApiJson.Options,
            statusCode: status);

    public static JsonHttpResult<ErrorBody> From(DomainException e) => Result(e.Status, e.Message, e.Param, e.Code);

    public static BadRequest<ErrorBody> BadRequest(DomainException e) => TypedResults.BadRequest(Body(e));

    public static NotFound<ErrorBody> NotFound(DomainException e) => TypedResults.NotFound(Body(e));

    private static ErrorBody Body(DomainException e) => new(new ErrorDetail(e.Message, TypeOf(e.Status), e.Param, e.Code));

    public static string TypeOf(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        _ => "invalid_request_error",
    };
}
