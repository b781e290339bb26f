using Bunit;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Portal.Components.Pages.Endpoints;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Model;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Endpoints;

public sealed class EndpointListTests : PortalTest
{
    [Fact]
    public async Task EndpointList_Viewer_DisablesEveryWriteControlButStillShows()
    {
        await SeedEndpointAsync();
        await SignInAsync(PortalRoles.Viewer);

        var (dialogs, _) = RenderProviders();
        var sut = Render<EndpointList>();

        sut.WaitForAssertion(() => Assert.Contains("acme/chat", sut.Markup));
        Assert.True(sut.Button("New endpoint").IsDisabled());
        Assert.True(sut.Find("button[aria-label='Delete acme/chat']").IsDisabled());
        Assert.Contains("read-only access", sut.Markup);
        await sut.ClickAsync("View acme/chat");
        dialogs.WaitForElement("#endpoint-slug");
        Assert.True(dialogs.Button("Save").IsDisabled());
        Assert.True(dialogs.Button("Add target").IsDisabled());
    }

    [Fact]
    public async Task EndpointList_Admin_EnablesWriteControls()
    {
        await SeedEndpointAsync();
        await SignInAsync(PortalRoles.Admin);

        RenderProviders();
        var sut = Render<EndpointList>();

        sut.WaitForAssertion(() => Assert.Contains("acme/chat", sut.Markup));
        Assert.False(sut.Button("New endpoint").IsDisabled());
        Assert.False(sut.Find("button[aria-label='Delete acme/chat']").IsDisabled());
        Assert.NotNull(sut.Find("button[aria-label='Edit acme/chat']"));
        Assert.DoesNotContain("read-only access", sut.Markup);
    }

    [Fact]
    public async Task EndpointList_TargetsJudgedByTheProxy_ShowsEachTargetsHealth()
    {
        await SignInAsync(PortalRoles.Viewer);
        var endpoint = await Services.GetRequiredService<EndpointService>().CreateAsync(new EndpointInput("acme/chat",
        [
            new TargetInput("OPENAI_COMPATIBLE", "https://a.example/v1", null, null, null, null),
            new TargetInput("OPENAI_COMPATIBLE", "https://b.example/v1", null, null, null, null, Weight: 3, Priority: 1),
            new TargetInput("OPENAI_COMPATIBLE", "https://c.example/v1", null, null, null, null),
        ]), "test");
        // As YARP's health checks leave them: the first taken out, the second answering, the third not called yet.
        var cluster = Proxy.Cluster(endpoint.Id);
        foreach (var (position, passive) in new[] { (0, DestinationHealth.Unhealthy), (1, DestinationHealth.Healthy), (2, DestinationHealth.Unknown) })
        {
            var destination = new DestinationState(RouteTarget.IdOf(endpoint.Id, position));
            destination.Health.Passive = passive;
            cluster.Destinations[destination.DestinationId] = destination;
        }

        RenderProviders();
        var sut = Render<EndpointList>();

        sut.WaitForAssertion(() => Assert.Contains("acme/chat", sut.Markup));
        Assert.Equal("unhealthy", sut.Find("[aria-label='Target 1 is unhealthy']").TextContent.Trim());
        Assert.Equal("healthy", sut.Find("[aria-label='Target 2 is healthy']").TextContent.Trim());
        Assert.Equal("unknown", sut.Find("[aria-label='Target 3 is unknown']").TextContent.Trim());
        Assert.Contains("priority 1 · weight 3", sut.Markup);
    }

    private Task<EndpointView> SeedEndpointAsync() =>
        Services.GetRequiredService<EndpointService>().CreateAsync(new EndpointInput("acme/chat",
            [new TargetInput("OPENAI_COMPATIBLE", "https://upstream.example/v1", null, "sk-x", null, null)]), "test");
}
