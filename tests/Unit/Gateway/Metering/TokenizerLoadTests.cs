using FrontierGateway.Gateway.Metering;
using FrontierGateway.Tests.Unit.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>The token counter's vocabulary is loaded as a host starts, before any call, unless turned off.</summary>
public sealed class TokenizerLoadTests
{
    private const string Loaded = "The token counter's vocabulary (o200k_base)";

    [Fact]
    public async Task Start_Default_LoadsTheVocabularyWithoutACall()
    {
        await using var factory = new GatewayFactory();
        factory.Settings["Logging:LogLevel:FrontierGateway.Gateway.Metering.TokenizerLoad"] = "Information";
        var tokens = factory.Services.GetRequiredService<TokenCounter>();

        await HostPair.UntilAsync(() => Task.FromResult(factory.Logged.Messages.Any(m => m.Contains(Loaded, StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), "the vocabulary loaded at start");

        // Loaded (by this host, or by an earlier one in this process): a count now loads nothing.
        Assert.False(tokens.Load());
        Assert.Equal(2, tokens.Count("hello world"));
    }

    [Fact]
    public async Task Start_TurnedOff_LoadsNothing()
    {
        await using var on = new GatewayFactory();
        on.Settings["Logging:LogLevel:FrontierGateway.Gateway.Metering.TokenizerLoad"] = "Information";
        await using var off = new GatewayFactory();
        off.Settings["Gateway:LoadTokenizerAtStart"] = "false";
        off.Settings["Logging:LogLevel:FrontierGateway.Gateway.Metering.TokenizerLoad"] = "Information";

        _ = off.Services;
        _ = on.Services;
        // The host with the load on has logged it; the other, started first, has logged nothing by then.
        await HostPair.UntilAsync(() => Task.FromResult(on.Logged.Messages.Any(m => m.Contains(Loaded, StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), "the vocabulary loaded at start");

        // Past the time the other took to log it, with the vocabulary already loaded in this process.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain(off.Logged.Messages, m => m.Contains(Loaded, StringComparison.Ordinal));
    }
}
