using System.Net.Sockets;
using System.Text;

namespace FrontierGateway.Tests.Unit.Gateway;

/// <summary>
/// A body Kestrel itself refuses to read (a bad chunk, a body cut short) is bad input: a 400 from the management API,
/// not the unexpected-error 500. Raw sockets, since HttpClient never sends such a body.
/// </summary>
public sealed class UnreadableBodyTests
{
    [Fact]
    public async Task CreateGroup_BadChunkSize_Is400()
    {
        await using var gateway = new LiveGatewayFactory();
        var address = gateway.BaseAddress;
        var request =
            "POST /v1/gateway/groups HTTP/1.1\r\n" +
            $"Host: {address.Authority}\r\n" +
            $"Authorization: Api-Key {GatewayFactory.ManageKey}\r\n" +
            "Content-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\n" +
            "\r\n" +
            "zz\r\n";

        var response = await SendRawAsync(address, request);

        Assert.StartsWith("HTTP/1.1 400 ", response);
        Assert.Contains("\"type\":\"invalid_request_error\"", response);
    }

    private static async Task<string> SendRawAsync(Uri address, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        // Kestrel closes the connection after answering: the rest of a body it cannot frame cannot be skipped.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, timeout.Token);
        return Encoding.UTF8.GetString(answer.ToArray());
    }
}
