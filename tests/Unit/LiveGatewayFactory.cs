using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit;

/// <summary>The host on real Kestrel at 127.0.0.1, for tests that need real sockets (streaming, disconnects).</summary>
public sealed class LiveGatewayFactory : GatewayFactory
{
    private Uri? baseAddress;

    public LiveGatewayFactory() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

    public Uri BaseAddress => baseAddress ??= Start();

    private Uri Start()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
