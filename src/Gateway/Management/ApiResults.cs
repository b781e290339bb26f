using FrontierGateway.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FrontierGateway.Gateway.Management;

/// <summary>
/// Runs a domain call and answers 200 with its result, or the refusal the domain raised (<see cref="DomainException"/>)
/// in the error shape. Each helper names the refusals it turns into answers, so that a handler's return type says
/// how it can fail; a refusal a handler does not declare is a bug and surfaces as one (500).
/// </summary>
internal static class ApiResults
{
    public static async Task<Results<Ok<T>, NotFound<ErrorBody>>> OkOrNotFound<T>(Func<Task<T>> call)
    {
        try
        {
            return TypedResults.Ok(await call());
        }
        catch (DomainException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return ApiError.NotFound(e);
        }
    }

    public static async Task<Results<Ok<T>, BadRequest<ErrorBody>>> OkOrBadRequest<T>(Func<Task<T>> call)
    {
        try
        {
            return TypedResults.Ok(await call());
        }
        catch (DomainException e) when (e.Status == StatusCodes.Status400BadRequest)
        {
            return ApiError.BadRequest(e);
        }
    }

    public static async Task<Results<Ok<T>, BadRequest<ErrorBody>, NotFound<ErrorBody>>> OkOrRefused<T>(Func<Task<T>> call)
    {
        try
        {
            return TypedResults.Ok(await call());
        }
        catch (DomainException e) when (e.Status == StatusCodes.Status400BadRequest)
        {
            return ApiError.BadRequest(e);
        }
        catch (DomainException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return ApiError.NotFound(e);
        }
    }
}
