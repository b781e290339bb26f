using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FrontierGateway.Tests.Unit.Portal.Components.Account;

/// <summary>Sign-out through the real host: the layout's form signs out, a cross-site post does not.</summary>
public sealed partial class SignOutTests : IAsyncLifetime
{
    private readonly GatewayFactory host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Logout_WithoutTheFormsToken_IsRefused_AndTheUserStaysSignedIn()
    {
        using var client = Browser();
        await SignInAsync(client);

        // What a cross-site form posts: no antiforgery token.
        using var response = await client.PostAsync("/account/logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task Logout_FromTheLayoutsForm_SignsOut()
    {
        using var client = Browser();
        await SignInAsync(client);
        var token = Token(await client.GetStringAsync("/"));

        using var response = await client.PostAsync("/account/logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal((HttpStatusCode.Redirect, "/account/login"), (response.StatusCode, response.Headers.Location!.OriginalString));
        using var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Contains("/account/login", home.Headers.Location!.OriginalString);
    }

    private HttpClient Browser() => host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task SignInAsync(HttpClient client)
    {
        const string url = "/account/login";
        var token = Token(await client.GetStringAsync(url));
        using var response = await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Form.Email"] = "admin@example.com",
            ["Form.Password"] = "Frontier-dev-1",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static string Token(string page) => WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
