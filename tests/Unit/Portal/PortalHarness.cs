using System.Security.Claims;
using Bunit;
using Bunit.Rendering;
using Bunit.TestDoubles;
using FrontierGateway.Data;
using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Gateway.Inference;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Yarp.ReverseProxy;

namespace FrontierGateway.Tests.Unit.Portal;

/// <summary>
/// bUnit with the portal's real services over a migrated SQLite file of its own, real Identity users, and a
/// signed-in user whose claims <see cref="PortalAccess"/> reads.
/// </summary>
public sealed class PortalHarness : BunitContext, IAsyncLifetime
{
    public const string AdminEmail = "admin@example.com";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "fgw-bunit", Guid.NewGuid().ToString("N"));
    private readonly BunitAuthorizationContext auth;

    /// <summary>What the pages read of the proxy: targets' health.</summary>
    public ProxyStates Proxy { get; } = new();

    public PortalHarness()
    {
        Directory.CreateDirectory(folder);
        var connection = $"Data Source={Path.Combine(folder, "portal.db")};Pooling=False";
        Services.AddLogging();
        Services.AddDbContextFactory<FrontierDbContext>(o => o.UseSqlite(connection));
        Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<IChangeBus, DataChanges>();
        Services.AddSingleton<EndpointService>();
        Services.AddSingleton(Proxy);
        Services.AddSingleton<IProxyStateLookup>(Proxy);
        Services.AddSingleton<TargetHealth>();
        Services.AddSingleton<WorkspaceKeyService>();
        Services.AddSingleton<AuditQueryService>();
        Services.AddSingleton<UserAdminService>();
        Services.AddSingleton<WebhookService>();
        Services.AddIdentityCore<PortalUser>(o => o.Password.RequireNonAlphanumeric = false)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<FrontierDbContext>()
            .AddDefaultTokenProviders();
        Services.AddScoped<PortalAccess>();
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        auth = AddAuthorization();
        Services.UsePortalPolicies();
    }

    public async Task InitializeAsync()
    {
        await using (var db = await Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }
        await using var scope = Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
        {
            await roles.CreateAsync(new IdentityRole(role));
        }
    }

    /// <summary>Creates a user with a password and the role, and signs them in.</summary>
    public async Task<PortalPrincipal> SignInAsync(string role, string? email = null)
    {
        email ??= role == PortalRoles.Admin ? AdminEmail : $"{role.ToLowerInvariant()}@example.com";
        var user = await AddUserAsync(email, role);
        auth.SetAuthorized(email);
        auth.SetRoles(role);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
        return new PortalPrincipal(user.Id, email, role, null);
    }

    public async Task<PortalUser> AddUserAsync(string email, string role)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, "Harness-password-1")).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user;
    }

    /// <summary>The providers dialogs, popovers and snackbars render into (as MainLayout has), then the page, if any.</summary>
    public IRenderedComponent<ContainerFragment> RenderWithProviders(RenderFragment? page = null) => Render(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<MudDialogProvider>(1);
        b.CloseComponent();
        b.OpenComponent<MudSnackbarProvider>(2);
        b.CloseComponent();
        b.AddContent(3, page);
    });

    public IRenderedComponent<ContainerFragment> RenderPage<TPage>() where TPage : IComponent =>
        RenderWithProviders(b =>
        {
            b.OpenComponent<TPage>(0);
            b.CloseComponent();
        });

    /// <summary>The one button whose text is exactly <paramref name="text"/>.</summary>
    public static AngleSharp.Dom.IElement Button(IRenderedComponent<ContainerFragment> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    /// <summary>Clicks a button found and clicked in one step, so that no re-render comes between the two.</summary>
    public static Task ClickAsync(IRenderedComponent<ContainerFragment> cut, string text) =>
        cut.InvokeAsync(() => Button(cut, text).Click());

    public async Task<T> QueryAsync<T>(Func<FrontierDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
