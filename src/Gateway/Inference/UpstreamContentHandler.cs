using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The last handler before the socket: sends the gateway's <see cref="UpstreamContent"/> in place of YARP's
/// streamed copy of the client's body. YARP refuses a content replaced by a transform, so the swap happens here;
/// YARP's own content is then never started, which it handles as a body that was not sent.
/// </summary>
internal sealed class UpstreamContentHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } streamed && request.Options.TryGetValue(UpstreamContent.Option, out var content))
        {
            foreach (var (name, values) in streamed.Headers.NonValidated)
            {
                // The length is the content's own (TryComputeLength), whatever the client's body was.
                if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    content.Headers.TryAddWithoutValidation(name, values);
                }
            }
            request.Content = content;
            if (content.FailOver)
            {
                return SendOrFailOverAsync(request, cancellationToken);
            }
        }
        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// A 500/502/503 while another target is left becomes a failed send: YARP then copies nothing of it to the client,
    /// counts it against the target's health (a transport failure to its passive check), and <see cref="UpstreamRetry"/>
    /// tries another. (Its async state is the one allocation failover adds, and only on endpoints with several targets up.)
    /// </summary>
    private async Task<HttpResponseMessage> SendOrFailOverAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!UpstreamRetry.IsRetriable(response.StatusCode))
        {
            return response;
        }
        response.Dispose();
        throw new HttpRequestException(HttpRequestError.Unknown,
            $"The upstream answered {(int)response.StatusCode}; the call fails over to another target.", null, response.StatusCode);
    }
}

/// <summary>YARP's HttpClient for every cluster, with <see cref="UpstreamContentHandler"/> in front of the socket handler.</summary>
internal sealed class UpstreamHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new UpstreamContentHandler(base.WrapHandler(context, handler));
}
