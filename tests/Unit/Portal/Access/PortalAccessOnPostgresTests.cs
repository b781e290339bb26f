using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Access;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Access;

/// <summary>
/// The portal's access reads on PostgreSQL, as a host of several on one database runs them: the signed-in user with
/// their role in one query, and a customer's subtree walked up the group chain.
/// </summary>
public sealed class PortalAccessOnPostgresTests() : PortalTest(DataProvider.Postgres)
{
    private PortalAccess Access => Services.GetRequiredService<PortalAccess>();

    [Theory]
    [InlineData(PortalRoles.Admin)]
    [InlineData(PortalRoles.Viewer)]
    [InlineData(PortalRoles.Customer)]
    public async Task FindAsync_SignedInUser_ReadWithTheirStoredRole(string role)
    {
        var group = await CreateGroupAsync("pg-access");
        var signedIn = await SignInAsync(role, role == PortalRoles.Customer ? group.Id : null);

        var found = await Access.FindAsync();

        Assert.Equal((signedIn.UserId, role, signedIn.GroupId), (found?.UserId, found?.Role, found?.GroupId));
    }

    [Fact]
    public async Task CanManageKeysAsync_Customer_TheirSubtreeOnly()
    {
        var root = await CreateGroupAsync("pg-root");
        var child = await CreateGroupAsync("pg-child", root.Id);
        var grandchild = await CreateGroupAsync("pg-grandchild", child.Id);
        var other = await CreateGroupAsync("pg-other");
        await SignInAsync(PortalRoles.Customer, child.Id);

        var manages = new List<bool>();
        foreach (var group in new[] { root, child, grandchild, other })
        {
            manages.Add(await Access.CanManageKeysAsync(group.Id));
        }

        Assert.Equal(new[] { false, true, true, false }, manages);
    }
}
