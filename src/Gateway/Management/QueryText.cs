using FrontierGateway.Data;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Management;

/// <summary>
/// The management API's endpoint filter for query parameters: one holding U+0000 is a 400 naming it before a handler
/// binds it into a query (<see cref="StoredText"/>; <c>?external_entity_id=%00</c> was a 500 on PostgreSQL).
/// </summary>
internal static class QueryText
{
    public static async ValueTask<object?> Check(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        foreach (var (name, values) in invocation.HttpContext.Request.Query)
        {
            if (values.Any(value => !StoredText.CanHold(value)))
            {
                return ApiError.Result(StatusCodes.Status400BadRequest, StoredText.Refusal(name), name, "invalid_value");
            }
        }
        return await next(invocation);
    }
}
