using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Components.Pages;
using FrontierGateway.Portal.Components.Pages.Billing;
using FrontierGateway.Portal.Components.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Pages;

/// <summary>The overview's counts.</summary>
public sealed class HomeTests : PortalTest
{
    [Fact]
    public async Task Home_ExpiredRevokedAndDeleted_CountsOnlyLiveKeysAndGroups()
    {
        var keys = Services.GetRequiredService<KeyService>();
        var group = await CreateGroupAsync("counted");
        var deleted = await CreateGroupAsync("deleted");
        await keys.MintAsync(group.Id, new KeyCreateInput("live", null), "test");
        await keys.MintAsync(group.Id, new KeyCreateInput("expired", DateTime.UtcNow.AddMinutes(1)), "test");
        var revoked = await keys.MintAsync(group.Id, new KeyCreateInput("revoked", null), "test");
        await keys.RevokeAsync(group.Id, revoked.Prefix, "test");
        await keys.MintAsync(deleted.Id, new KeyCreateInput("of a deleted group", null), "test");
        await Groups.DeleteAsync(deleted.Id, "test");
        ((ShiftedTime)Services.GetRequiredService<TimeProvider>()).Offset = TimeSpan.FromHours(1);
        await SignInAsync(PortalRoles.Admin);
        ComponentFactories.AddStub<LiveStrip>();
        ComponentFactories.AddStub<DeliveryHealth>();

        var sut = Render<Home>();

        sut.WaitForAssertion(() => Assert.Equal(3, sut.FindComponents<StatCard>().Count));
        var counts = sut.FindComponents<StatCard>().ToDictionary(c => c.Instance.Label, c => c.Instance.Value);
        Assert.Equal(1, counts["Live API keys"]);
        Assert.Equal(1, counts["Groups"]);
    }
}
