using Microsoft.AspNetCore.DataProtection;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using FrontierGateway.Data;
using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Gateway.Inference;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Audit;
using FrontierGateway.Portal.Components.Layout;
using FrontierGateway.Portal.Overview;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using MudBlazor.Services;
using Yarp.ReverseProxy;

namespace FrontierGateway.Tests.Unit.Portal;

/// <summary>
/// The base of every portal component test: bUnit with MudBlazor, the portal's real services over a migrated SQLite
/// file of its own (<see cref="TestData"/>), real Identity users with their roles, and a signed-in user whose claims
/// <see cref="PortalAccess"/> reads.
/// </summary>
public abstract class PortalTest : BunitContext, IAsyncLifetime
{
    /// <summary>The email <see cref="SignInAsync"/> gives an Admin.</summary>
    public const string AdminEmail = "admin@example.com";

    private readonly TestData data;
    private readonly BunitAuthorizationContext authorization;

    /// <summary>
    /// bUnit waits 1 s by default for a render or an assertion; the full suite runs test classes in parallel on
    /// two cores, where a dialog can take longer than that to appear. A wait that succeeds returns at once.
    /// </summary>
    static PortalTest() => DefaultWaitTimeout = TimeSpan.FromSeconds(10);

    /// <param name="provider">The database the portal's services use: SQLite, as most portal tests run, or PostgreSQL.</param>
    protected PortalTest(DataProvider provider = DataProvider.Sqlite)
    {
        data = new(provider);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddPortalMudServices();
        // Before TestData's own Identity registration, whose user store knows no roles: Identity adds its stores only
        // when none is there, and the portal's users have roles (RoleManager, UserAdminService), as AddPortal has them.
        Services.AddIdentityCore<PortalUser>(o => o.Password.RequireNonAlphanumeric = false)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<FrontierDbContext>()
            .AddDefaultTokenProviders();
        data.Register(Services);
        Services.AddSingleton<WorkspaceKeyService>();
        Services.AddSingleton<AuditQueryService>();
        Services.AddSingleton<WebhookService>();
        Services.AddSingleton(Proxy);
        Services.AddSingleton<IProxyStateLookup>(Proxy);
        Services.AddSingleton<TargetHealth>();
        Services.AddScoped<PortalAccess>();
        Services.AddSingleton<UserAdminService>();
        Services.AddSingleton<WorkspaceOverview>();
        Services.AddSingleton<AuditTargets>();
        authorization = AddAuthorization();
        // bUnit's authorization fakes answer a policy by its name alone; the portal's own policies, evaluated by the
        // framework's service against the signed-in user's roles, replace them so that a test sees what the host does.
        // bUnit's AddAuthorization() above keeps supplying the signed-in user.
        Services.RemoveAll<IAuthorizationService>();
        Services.RemoveAll<IAuthorizationPolicyProvider>();
        Services.AddPortalAuthorization();
    }

    /// <summary>What the pages read of the proxy: targets' health.</summary>
    protected ProxyStates Proxy { get; } = new();

    /// <summary>The services' clock: real time, which a test may shift.</summary>
    protected ShiftedTime Time => data.Time;

    protected GroupService Groups => Services.GetRequiredService<GroupService>();

    public async Task InitializeAsync()
    {
        await TestData.MigrateAsync(Services);
        // The host's Data Protection hosted service creates the key ring at start-up; without a host, do it here, and
        // not first inside a service's transaction (SQLite would find the table locked).
        Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("warm-up").Protect([1]);
        await using var scope = Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
        {
            await roles.CreateAsync(new IdentityRole(role));
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await data.DisposeAsync();
    }

    /// <summary>Creates a user of the role (a Customer bound to <paramref name="groupId"/>) and signs them in.</summary>
    protected async Task<PortalPrincipal> SignInAsync(string role, string? groupId = null)
    {
        var email = $"{role.ToLowerInvariant()}@example.com";
        var user = await AddUserAsync(email, role, groupId);
        authorization.SetAuthorized(email);
        authorization.SetRoles(role);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
        return new PortalPrincipal(user.Id, email, role, groupId);
    }

    /// <summary>A user who has accepted their invite: a password, a confirmed email and the role.</summary>
    protected async Task<PortalUser> AddUserAsync(string email, string role, string? groupId = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, GroupId = groupId };
        var created = await users.CreateAsync(user, "Harness-password-1");
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user;
    }

    protected Task<GroupView> CreateGroupAsync(string external, string? parent = null, string mode = "INDEPENDENT",
        string? name = null, params ModelInput[] models) =>
        Groups.CreateAsync(new GroupCreateInput(new MetadataInput(name ?? external, external),
            models.Length > 0 ? [.. models] : [new ModelInput("acme/chat", [], [])], new HierarchyInput(mode, parent)), "test");

    protected async Task<T> QueryAsync<T>(Func<FrontierDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    /// <summary>
    /// Renders the providers the layout renders: popovers (selects, pickers), dialogs and snackbars. Render them
    /// before the component; a dialog or a snackbar then appears in its provider's markup, not the component's.
    /// </summary>
    protected (IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<MudSnackbarProvider> Snackbars) RenderProviders()
    {
        Render<MudPopoverProvider>();
        return (Render<MudDialogProvider>(), Render<MudSnackbarProvider>());
    }
}
