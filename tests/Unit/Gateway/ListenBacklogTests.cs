using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway;

/// <summary>
/// Gateway:ListenBacklog is the listen backlog of the host's sockets: a burst of thousands of new streams must not
/// meet Kestrel's default of 512 (bench/streams.sh saw connections refused at 5,000 streams).
/// </summary>
public sealed class ListenBacklogTests
{
    [Theory]
    [InlineData(null, 4096)]
    [InlineData("1234", 1234)]
    public async Task LiveHost_ListenBacklog_IsTheSocketsBacklog(string? setting, int expected)
    {
        await using var gateway = new LiveGatewayFactory();
        if (setting is not null)
        {
            gateway.Settings["Gateway:ListenBacklog"] = setting;
        }
        _ = gateway.BaseAddress;

        Assert.Equal(expected, gateway.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.Backlog);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    public async Task Start_ListenBacklogOutOfRange_FailsNamingTheSetting(string value)
    {
        await using var gateway = new GatewayFactory { Settings = { ["Gateway:ListenBacklog"] = value } };

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Services);

        Assert.Contains("Gateway:ListenBacklog must be from 1 to 65535", error.Message);
    }
}
