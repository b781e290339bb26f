using System.Net;
using System.Net.Http.Headers;
using FrontierGateway.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal;

/// <summary><c>Portal:Enabled=false</c>: the two APIs and health, and nothing of the portal.</summary>
public sealed class DataPlaneHostTests : IAsyncLifetime
{
    private readonly LiveGatewayFactory gateway = new();
    private HttpClient client = null!;

    public Task InitializeAsync()
    {
        gateway.Settings["Portal:Enabled"] = "false";
        client = new HttpClient { BaseAddress = gateway.BaseAddress };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await gateway.DisposeAsync();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/account/setup")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/app.css")]
    public async Task PortalPath_PortalDisabled_Answers404(string path)
    {
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task IdentityCookies_PortalDisabled_AreNotRegistered()
    {
        var schemes = gateway.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        Assert.Null(await schemes.GetSchemeAsync(IdentityConstants.ApplicationScheme));
        Assert.Null(await schemes.GetSchemeAsync(IdentityConstants.ExternalScheme));
    }

    [Fact]
    public async Task WorkspaceKeyScheme_PortalDisabled_IsNotTheDefault()
    {
        // As the only scheme it would be the default, run by the authentication middleware on every request: each
        // inference call's customer key looked up in the database as a workspace key.
        var schemes = gateway.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        Assert.NotNull(await schemes.GetSchemeAsync("WorkspaceKey"));
        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
    }

    [Fact]
    public async Task ManagementAndInference_PortalDisabled_StillServe()
    {
        var manage = Authorized("Api-Key", GatewayFactory.ManageKey);
        var groupId = await manage.CreateGroupAsync("data-plane",
            models: """[{"slug":"your-org/your-model","rate_limits":[],"usage_limits":[]}]""");
        var (minted, key) = await manage.PostAsync($"/v1/gateway/groups/{groupId}/api_keys", "{}");
        var customer = Authorized("Bearer", key!["api_key"]!.GetValue<string>());

        var (groups, list) = await manage.GetJsonAsync("/v1/gateway/groups");
        var (models, slugs) = await customer.GetJsonAsync("/v1/models");
        var (chat, completion) = await customer.PostAsync("/v1/chat/completions",
            """{"model":"your-org/your-model","messages":[{"role":"user","content":"Hello!"}]}""");
        var (anonymous, _) = await client.GetJsonAsync("/v1/gateway/groups");
        var viewer = Authorized("Api-Key", await gateway.MintWorkspaceKeyAsync(WorkspaceScope.View));
        var (viewOnly, _) = await viewer.PostAsync("/v1/gateway/groups", "{}");

        Assert.Equal(HttpStatusCode.OK, minted);
        Assert.Equal(HttpStatusCode.OK, groups);
        Assert.Contains(list!["items"]!.AsArray(), g => g!["id"]!.GetValue<string>() == groupId);
        Assert.Equal(HttpStatusCode.OK, models);
        Assert.Equal(["your-org/your-model"], slugs!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, chat);
        Assert.True(completion!["usage"]!["completion_tokens"]!.GetValue<int>() > 0);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.Forbidden, viewOnly);
    }

    [Fact]
    public async Task HealthEndpoints_PortalDisabled_Answer200()
    {
        using var live = await client.GetAsync("/healthz");
        using var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private HttpClient Authorized(string scheme, string key)
    {
        var authorized = new HttpClient { BaseAddress = gateway.BaseAddress };
        authorized.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, key);
        return authorized;
    }
}
