using System.Net;
using System.Text.RegularExpressions;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Components.Account;

/// <summary>The invite link through the real host: the static-SSR page, its antiforgery form and the sign-in.</summary>
public sealed partial class AcceptInviteTests : IAsyncLifetime
{
    private const string Password = "Invited-password-1";

    private readonly GatewayFactory host = new();
    private InviteLink invite = default!;

    public async Task InitializeAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = await users.FindByEmailAsync("admin@example.com") ?? throw new InvalidOperationException("no seed admin");
        invite = await host.Services.GetRequiredService<UserAdminService>().InviteAsync(
            new PortalPrincipal(admin.Id, admin.Email!, PortalRoles.Admin, null),
            new InviteInput("invited@acme.test", PortalRoles.Viewer, null));
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Post_ValidLink_SetsPasswordConfirmsEmailAndSignsIn()
    {
        using var client = Browser();

        var response = await SubmitAsync(client, invite.RelativeUrl, Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", new Uri(client.BaseAddress!, response.Headers.Location!).AbsolutePath);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application="));
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByEmailAsync("invited@acme.test");
        Assert.True(await users.CheckPasswordAsync(user!, Password));
        Assert.True(user!.EmailConfirmed);
    }

    [Fact]
    public async Task Get_LinkAlreadyUsed_SaysItIsNotValid()
    {
        using var client = Browser();
        await SubmitAsync(client, invite.RelativeUrl, Password);

        var page = await Browser().GetStringAsync(invite.RelativeUrl);

        Assert.Contains("This invite link is not valid.", page);
        Assert.DoesNotContain("Set password and sign in", page);
    }

    [Fact]
    public async Task Post_TamperedToken_RefusedAndNoPasswordSet()
    {
        using var client = Browser();
        var tampered = invite.RelativeUrl[..^4] + "AAAA";

        var response = await SubmitAsync(client, tampered, Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("expired or was replaced", await response.Content.ReadAsStringAsync());
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.False(await users.HasPasswordAsync((await users.FindByEmailAsync("invited@acme.test"))!));
    }

    private HttpClient Browser() => host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string url, string password)
    {
        var form = await client.GetStringAsync(url);
        var antiforgery = AntiforgeryField().Match(form).Groups[1].Value;
        return await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "accept-invite",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery),
            ["Form.Password"] = password,
            ["Form.Confirm"] = password,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
