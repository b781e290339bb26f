using Bunit;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Components.Pages.Endpoints;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Endpoints;

/// <summary>Issue 14, item 18: each endpoint's error rate, p50/p99 and last error on the endpoints page.</summary>
public sealed class EndpointCallHealthTests : PortalTest
{
    [Fact]
    public async Task EndpointList_CallsInTheLastHour_ShowsErrorRateLatencyAndLastError()
    {
        await Services.GetRequiredService<EndpointService>().CreateAsync(new EndpointInput("acme/chat",
            [new TargetInput("OPENAI_COMPATIBLE", "https://upstream.example/v1", null, null, null, null)]), "test");
        var now = Time.GetUtcNow().UtcDateTime;
        await QueryAsync(async db =>
        {
            db.RequestLog.AddRange(
                Row(now.AddMinutes(-1), 200, 10), Row(now.AddMinutes(-2), 200, 30), Row(now.AddMinutes(-3), 200, 20),
                Row(now.AddMinutes(-4), 502, 40));
            return await db.SaveChangesAsync();
        });
        await SignInAsync(PortalRoles.Viewer);
        RenderProviders();

        var sut = Render<EndpointList>();

        sut.WaitForAssertion(() =>
        {
            var health = sut.Find("[aria-label='Health']").TextContent;
            Assert.Contains("4 calls", health);
            Assert.Contains("25 % errors", health);
            Assert.Contains("p50 20 ms · p99 40 ms", health);
            Assert.Contains("Last error 502", health);
        });
    }

    private static RequestLogEntry Row(DateTime at, int status, long ms) => new()
    {
        Timestamp = at, RequestId = "req_" + FrontierGateway.Data.Ids.NewUlid(), KeyPrefix = "prefix0000000000",
        GroupId = "grp_a", Slug = "acme/chat", Status = status, LatencyMicroseconds = ms * 1000,
    };
}
