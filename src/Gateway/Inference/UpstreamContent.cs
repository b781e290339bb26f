using System.Net;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The upstream body as one block of bytes the gateway already holds. HttpClient writes it together with the
/// request headers, in one send (YARP's streamed content flushes the headers first: two sends and a second
/// wake-up of the upstream for every call). It can be written more than once, so HttpClient may retry a call
/// that met a stale pooled connection. <see cref="InFlight"/> says whether the bytes are still being read.
/// </summary>
internal sealed class UpstreamContent(ReadOnlyMemory<byte> body, bool failOver = false) : HttpContent
{
    /// <summary>The option of the outgoing request that carries it from the transform to <see cref="UpstreamContentHandler"/>.</summary>
    public static readonly HttpRequestOptionsKey<UpstreamContent> Option = new("FrontierGateway.UpstreamContent");

    private int writers;

    public bool InFlight => Volatile.Read(ref writers) > 0;

    /// <summary>Whether another target is left to try should this one answer a retriable error (<see cref="UpstreamRetry"/>).</summary>
    public bool FailOver => failOver;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref writers);
        try
        {
            await stream.WriteAsync(body, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref writers);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}
