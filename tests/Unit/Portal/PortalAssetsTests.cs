using System.Net;

namespace FrontierGateway.Tests.Unit.Portal;

/// <summary>The static files every portal page asks for.</summary>
public sealed class PortalAssetsTests : IAsyncLifetime
{
    private readonly GatewayFactory host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Favicon_Get_AnswersAnIcon()
    {
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        // An ICO file: reserved 0, type 1 (icon), at least one image.
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]);
        Assert.True(BitConverter.ToUInt16(bytes, 4) >= 1);
    }
}
