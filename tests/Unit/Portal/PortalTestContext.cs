using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Overview;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace FrontierGateway.Tests.Unit.Portal;

/// <summary>
/// bUnit with MudBlazor and the real domain services over a fresh SQLite file; the signed-in user is a fake
/// authentication state backed by a real Identity user, as <see cref="PortalAccess"/> reads both.
/// </summary>
public abstract class PortalTestContext : BunitContext, IAsyncLifetime
{
    private readonly TestData data = new();
    private readonly BunitAuthorizationContext authorization;

    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        data.Register(Services);
        Services.AddScoped<PortalAccess>();
        Services.AddSingleton<WorkspaceOverview>();
        authorization = AddAuthorization();
        Services.UsePortalPolicies();
    }

    protected GroupService Groups => Services.GetRequiredService<GroupService>();

    protected async Task<T> QueryAsync<T>(Func<FrontierDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public Task InitializeAsync() => TestData.MigrateAsync(Services);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await data.DisposeAsync();
    }

    /// <summary>Signs in a new user of the role; a Customer is bound to <paramref name="groupId"/>.</summary>
    protected async Task SignInAsync(string role, string? groupId = null)
    {
        var email = $"{role.ToLowerInvariant()}@example.com";
        var user = new PortalUser { UserName = email, Email = email, GroupId = groupId };
        var created = await Services.GetRequiredService<UserManager<PortalUser>>().CreateAsync(user);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        authorization.SetAuthorized(email);
        authorization.SetRoles(role);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
    }

    protected Task<GroupView> CreateGroupAsync(string external, string? parent = null, string mode = "INDEPENDENT",
        string? name = null, params ModelInput[] models) =>
        Groups.CreateAsync(new GroupCreateInput(new MetadataInput(name ?? external, external),
            models.Length > 0 ? [.. models] : [new ModelInput("acme/chat", [], [])], new HierarchyInput(mode, parent)), "test");

    /// <summary>Renders the providers the layout renders: popovers (selects, pickers), dialogs and snackbars.</summary>
    protected (IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<MudSnackbarProvider> Snackbars) RenderProviders()
    {
        Render<MudPopoverProvider>();
        return (Render<MudDialogProvider>(), Render<MudSnackbarProvider>());
    }
}
