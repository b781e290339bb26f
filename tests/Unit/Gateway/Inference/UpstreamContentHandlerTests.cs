using System.Net;
using System.Text;
using FrontierGateway.Gateway.Inference;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>The handler in front of YARP's socket handler that sends the gateway's own body in one piece.</summary>
public sealed class UpstreamContentHandlerTests
{
    /// <summary>Stands for the socket handler: keeps what it was given.</summary>
    private sealed class Capture : HttpMessageHandler
    {
        public HttpContent? Content { get; private set; }
        public byte[] Body { get; private set; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Content = request.Content;
            Body = Content is null ? [] : await Content.ReadAsByteArrayAsync(ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    private static HttpRequestMessage Request()
    {
        var streamed = new StreamContent(new MemoryStream("streamed"u8.ToArray()));
        streamed.Headers.ContentType = new("application/json");
        streamed.Headers.ContentLength = 8;
        streamed.Headers.TryAddWithoutValidation("Content-Language", "en");
        return new HttpRequestMessage(HttpMethod.Post, "http://upstream.test/chat/completions") { Content = streamed };
    }

    [Fact]
    public async Task WithTheOption_SendsTheGatewaysBody_WithTheStreamedContentsHeadersButItsOwnLength()
    {
        var capture = new Capture();
        using var invoker = new HttpMessageInvoker(new UpstreamContentHandler(capture));
        var body = Encoding.UTF8.GetBytes("""{"model":"m"}""");
        var request = Request(); // its streamed content says 8 bytes
        request.Options.Set(UpstreamContent.Option, new UpstreamContent(body));

        await invoker.SendAsync(request, CancellationToken.None);

        var sent = Assert.IsType<UpstreamContent>(capture.Content);
        Assert.Equal(body, capture.Body);
        Assert.Equal("application/json", sent.Headers.ContentType?.MediaType);
        Assert.Equal(body.Length, sent.Headers.ContentLength);
        Assert.Equal("en", Assert.Single(sent.Headers.ContentLanguage));
        Assert.False(sent.InFlight);
    }

    [Fact]
    public async Task WithoutTheOption_LeavesYarpsContentAlone()
    {
        var capture = new Capture();
        using var invoker = new HttpMessageInvoker(new UpstreamContentHandler(capture));
        var request = Request();
        var streamed = request.Content;

        await invoker.SendAsync(request, CancellationToken.None);

        Assert.Same(streamed, capture.Content);
        Assert.Equal("streamed"u8.ToArray(), capture.Body);
    }

    [Fact]
    public async Task Content_CanBeWrittenTwice_ForARetryOnAStaleConnection()
    {
        var content = new UpstreamContent("abc"u8.ToArray());
        using var first = new MemoryStream();
        using var second = new MemoryStream();

        await content.CopyToAsync(first);
        await content.CopyToAsync(second);

        Assert.Equal("abc"u8.ToArray(), first.ToArray());
        Assert.Equal("abc"u8.ToArray(), second.ToArray());
    }

    /// <summary>A socket that has not taken the bytes yet.</summary>
    private sealed class StalledStream : MemoryStream
    {
        public TaskCompletionSource Release { get; } = new();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            await Release.Task;
            await base.WriteAsync(buffer, ct);
        }
    }

    [Fact]
    public async Task Content_IsInFlight_UntilTheWriteEnds()
    {
        var content = new UpstreamContent("abc"u8.ToArray());
        using var socket = new StalledStream();

        var copy = content.CopyToAsync(socket);
        var whileStalled = content.InFlight;
        socket.Release.SetResult();
        await copy;

        Assert.True(whileStalled);
        Assert.False(content.InFlight);
    }

    [Fact]
    public void TheProxysClients_AreMadeByTheGatewaysFactory()
    {
        using var factory = new GatewayFactory();

        Assert.IsType<UpstreamHttpClientFactory>(factory.Services.GetRequiredService<IForwarderHttpClientFactory>());
    }
}
