using System.Buffers;
using System.Collections;
using System.Diagnostics;
using FrontierGateway.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Gateway.Pipeline;

/// <summary>
/// Gives every <c>/v1</c> call its request id: the client's <c>x-request-id</c> when it sent a sane one, else a new
/// <c>req_&lt;ulid&gt;</c>. It becomes the request's <see cref="HttpContext.TraceIdentifier"/> (the framework's
/// request id, which the usage event and the error bodies read), the response's <c>x-request-id</c>, a logging scope
/// (<c>RequestId</c>) around everything logged about the call, and a tag of the call's span when tracing is on.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
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
        Activity.Current?.SetTag("frontier.request_id", id);
        // Not awaited: the scope is in the execution context each later step captures (an async step's awaits keep
        // it), and disposing it here only takes it off this one, which logs nothing more about the call.
        using (logger.BeginScope(new RequestIdScope(id)))
        {
            return next(context);
        }
    }

    /// <summary>The scope's one value, as structured loggers read it (<c>RequestId</c>) and as text.</summary>
    private sealed class RequestIdScope(string id) : IReadOnlyList<KeyValuePair<string, object>>
    {
        public KeyValuePair<string, object> this[int index] =>
            index == 0 ? new("RequestId", id) : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => 1;

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            yield return this[0];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"RequestId:{id}";
    }
}
