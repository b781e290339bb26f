using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Overview;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Overview;

public sealed class WorkspaceOverviewTests : PortalTest
{
    [Fact]
    public async Task CountAsync_DeletedGroupsAndRevokedKeys_AreNotCounted()
    {
        var keys = Services.GetRequiredService<KeyService>();
        var kept = await CreateGroupAsync("kept");
        var deleted = await CreateGroupAsync("deleted");
        await keys.MintAsync(kept.Id, new KeyCreateInput("live", null), "test");
        var revoked = await keys.MintAsync(kept.Id, new KeyCreateInput("revoked", null), "test");
        await keys.RevokeAsync(kept.Id, revoked.Prefix, "test");
        await Groups.DeleteAsync(deleted.Id, "test");
        var sut = Services.GetRequiredService<WorkspaceOverview>();

        var counts = await sut.CountAsync();

        Assert.Equal(new WorkspaceCounts(1, 1, 0), counts);
    }

    [Fact]
    public async Task ListGroupsAsync_NamedAndUnnamed_LabelledByNameThenExternalId()
    {
        await CreateGroupAsync("ext-b", name: "Beta");
        await Groups.CreateAsync(new GroupCreateInput(new MetadataInput(null, "ext-a"), [new ModelInput("acme/chat", [], [])], new HierarchyInput("INDEPENDENT", null)), "test");
        var sut = Services.GetRequiredService<WorkspaceOverview>();

        var groups = await sut.ListGroupsAsync();

        Assert.Equal(["Beta (ext-b)", "ext-a"], groups.Select(g => g.Label).Order(StringComparer.Ordinal));
    }
}
