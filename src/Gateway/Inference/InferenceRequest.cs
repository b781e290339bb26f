using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// One call's body, as the proxy, the simulated model and the meter need it. The body stays the bytes the
/// client sent (in a pooled buffer, returned when the request ends); the few fields the gateway reads are found
/// in one pass of a <see cref="Utf8JsonReader"/>, and the upstream's copy is spliced from it
/// (<see cref="UpstreamBody"/>) rather than parsed into a tree and written again.
/// </summary>
internal sealed class InferenceRequest : IDisposable
{
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    private byte[]? rented;
    private byte[]? upstream;
    private JsonObject? tree;

    private InferenceRequest(InferenceOperation operation, byte[] rented, int length, BodyFields fields)
    {
        Operation = operation;
        this.rented = rented;
        Raw = rented.AsMemory(0, length);
        Fields = fields;
    }

    public InferenceOperation Operation { get; }

    /// <summary>The body exactly as the client sent it.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    public BodyFields Fields { get; }
    public string Slug => Fields.Model;
    public bool Stream => Fields.Stream;
    public bool ClientAskedForUsage => Fields.IncludeUsage;

    /// <summary>The body as a tree, parsed on first use: for the simulated model and the gateway's own token count.</summary>
    public JsonObject Body => tree ??= (JsonObject)JsonNode.Parse(Raw.Span)!;

    /// <summary>Reads and checks the body; null with the error, naming the field, when it cannot be served.</summary>
    public static async Task<(InferenceRequest? Request, BodyError? Error)> ReadAsync(HttpRequest request,
        InferenceOperation operation)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge);
        }
        byte[] buffer;
        int length;
        try
        {
            (buffer, length) = await ReadAllAsync(request);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Too large, or cut off by the client.
            return (null, e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? TooLarge : new BodyError("The body could not be read.", null, "invalid_body"));
        }
        var (fields, error) = BodyFields.Read(buffer.AsSpan(0, length));
        if (fields is null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, error);
        }
        var read = new InferenceRequest(operation, buffer, length, fields);
        request.HttpContext.Response.RegisterForDispose(read);
        return (read, null);
    }

    private static readonly BodyError TooLarge = new($"The body is larger than {MaxBodyBytes} bytes.", null, "body_too_large");

    /// <summary>The body for the simulated model: what an upstream named like the slug would get, as a tree.</summary>
    public JsonObject PrepareForSimulated() =>
        tree = (JsonObject)JsonNode.Parse(Splice(Slug, JsonSerializer.SerializeToUtf8Bytes(Slug)).Span)!;

    /// <summary>The upstream the proxy sends this call to, set by <see cref="PrepareUpstream"/>.</summary>
    public RouteTarget? Target { get; private set; }

    /// <summary>The body HttpClient sends <see cref="Target"/> (see <see cref="UpstreamContentHandler"/>).</summary>
    public UpstreamContent? Upstream { get; private set; }

    /// <summary>Whether another target is left should this attempt fail (set by <see cref="UpstreamRetry"/>).</summary>
    public bool FailOver { get; set; }

    /// <summary>Makes <see cref="Upstream"/> the body for <paramref name="target"/> and answers its length.</summary>
    public int PrepareUpstream(RouteTarget target)
    {
        Target = target;
        var body = Splice(target.Model, target.ModelJson);
        Upstream = new UpstreamContent(body, FailOver);
        return body.Length;
    }

    /// <summary>The body with <paramref name="model"/> (<paramref name="modelJson"/> as JSON) as its model (see <see cref="UpstreamBody"/>).</summary>
    private ReadOnlyMemory<byte> Splice(string model, byte[] modelJson)
    {
        if (model == Slug && (!Stream || ClientAskedForUsage))
        {
            return Raw;
        }
        if (upstream is { } previous)
        {
            // A retry's body: the failed attempt's buffer goes back to the pool unless HttpClient may still be sending it.
            upstream = null;
            if (Upstream is not { InFlight: true })
            {
                ArrayPool<byte>.Shared.Return(previous);
            }
        }
        (upstream, var length) = UpstreamBody.Build(Raw.Span, Fields, modelJson);
        return upstream.AsMemory(0, length);
    }

    public void Dispose()
    {
        // An upstream that answered before it read the whole body can leave HttpClient still sending it: those
        // buffers are then left to the garbage collector rather than handed to another call while in use.
        if (Upstream is { InFlight: false } or null)
        {
            foreach (var buffer in (ReadOnlySpan<byte[]?>)[rented, upstream])
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        rented = upstream = null;
    }

    private static async Task<(byte[] Buffer, int Length)> ReadAllAsync(HttpRequest request)
    {
        var declared = request.ContentLength;
        var buffer = ArrayPool<byte>.Shared.Rent(declared is { } known and > 0 ? (int)known : 4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= MaxBodyBytes)
                    {
                        throw new BadHttpRequestException("Too large.", StatusCodes.Status413PayloadTooLarge);
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(length * 2, MaxBodyBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted);
                if (read == 0)
                {
                    return (buffer, length);
                }
                length += read;
                if (length == declared)
                {
                    // The whole declared body is in (the server reads no further than Content-Length): no read for the end.
                    return (buffer, length);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
