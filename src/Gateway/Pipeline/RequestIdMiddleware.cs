using System.Buffers;
using FrontierGateway.Data;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Pipeline;

/// <summary>
/// Gives every <c>/v1</c> call its request id: the client's <c>x-request-id</c> when it sent a sane one, else a new
/// <c>req_&lt;ulid&gt;</c>. It becomes the request's <see cref="HttpContext.TraceIdentifier"/> (the framework's
/// request id, which the usage event and the error log read) and the response's <c>x-request-id</c>.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string Header = "x-request-id";

    /// <summary>What a sane id is made of: it is written as it came into logs, headers and the usage event.</summary>
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    /// <summary>The usage event's column holds 64 characters.</summary>
    private const int MaxLength = 64;

    public Task InvokeAsync(HttpContext context)
    {
        var sent = context.Request.Headers[Header];
        var id = sent is [{ Length: > 0 and <= MaxLength } client] && !client.AsSpan().ContainsAnyExcept(Allowed)
            ? client
            : Ids.New("req");
        context.TraceIdentifier = id;
        context.Response.Headers[Header] = id;
        return next(context);
    }
}
