using FrontierGateway.Data.Requests;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Requests;

/// <summary>With <c>RequestLog:Enabled=false</c> no call is logged: a metered call's event is written without a status.</summary>
public sealed class RequestLogOffTests : IAsyncLifetime
{
    private readonly GatewayFactory factory = new() { Settings = { ["RequestLog:Enabled"] = "false" } };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task MeteredAndRefusedCalls_NotLogged_TheEventStillWritten()
    {
        var (group, key) = await factory.CustomerAsync("log-off",
            $$"""[{"slug":"{{InferenceHelpers.SimulatedSlug}}","usage_limits":[{"type":"REQUEST","unit":"DAY","threshold":1}]}]""");
        var caller = factory.Caller(key);

        Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        Assert.Equal(429, await caller.ChatAsync().StatusAsync());

        var usage = Assert.Single(await factory.EventsAsync(group, 1));
        Assert.Equal((null, null), (usage.Status, usage.LatencyMicroseconds));
        Assert.Empty((await factory.Services.GetRequiredService<RequestLogService>().ListAsync(new RequestLogFilter(GroupId: group))).Rows);
        Assert.Equal(0, await factory.QueryAsync(db => db.RequestLog.CountAsync(r => r.GroupId == group)));
    }
}
