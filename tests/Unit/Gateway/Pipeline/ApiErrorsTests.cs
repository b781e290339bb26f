using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FrontierGateway.Data.Entities;
using FrontierGateway.Tests.Unit.Gateway.Inference;

namespace FrontierGateway.Tests.Unit.Gateway.Pipeline;

/// <summary>Every <c>/v1</c> answer is JSON with a request id: unknown paths, wrong methods and unexpected failures.</summary>
public sealed class ApiErrorsTests(FailingGatewayFactory factory) : IClassFixture<FailingGatewayFactory>
{
    [Theory]
    [InlineData("GET", "/v1/foo")]
    [InlineData("POST", "/v1/chat/complete")]
    [InlineData("GET", "/v1")]
    [InlineData("DELETE", "/v1/models/x")]
    public async Task Send_UnknownUrl_Is404UnknownUrl(string method, string path)
    {
        using var response = await factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var error = await response.AssertOpenAIErrorAsync(HttpStatusCode.NotFound, null);
        Assert.Equal("unknown_url", (string?)error["code"]);
        Assert.StartsWith($"Unknown request URL: {method} {path}. Please check the URL for typos", (string?)error["message"]);
    }

    [Theory]
    [InlineData("GET", "/v1/chat/completions", "POST")]
    [InlineData("PUT", "/v1/embeddings", "POST")]
    [InlineData("POST", "/v1/models", "GET")]
    public async Task Send_WrongMethod_Is405WithAllowAndErrorBody(string method, string path, string allow)
    {
        using var response = await factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var error = await response.AssertOpenAIErrorAsync(HttpStatusCode.MethodNotAllowed, null);
        Assert.Equal("method_not_allowed", (string?)error["code"]);
        Assert.Contains(allow, response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("/v1/gateway/no-such-route")]
    [InlineData("/v1/gateway/groups.json")]
    public async Task Get_UnknownManagementPath_Is404InTheManagementShape(string path)
    {
        using var response = await factory.Client().GetAsync(path);

        var error = await response.AssertOpenAIErrorAsync(HttpStatusCode.NotFound, null);
        Assert.Equal("route_not_found", (string?)error["code"]);
    }

    [Fact]
    public async Task Get_UnknownPortalPath_IsNotAnApiError()
    {
        using var response = await factory.CreateClient().GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("x-request-id"));
        Assert.NotEqual("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("client-id_1.2:3", "client-id_1.2:3")]
    [InlineData("has space", null)]
    [InlineData("", null)]
    public async Task Send_ClientRequestId_IsKeptWhenSane(string sent, string? kept)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("x-request-id", sent);

        using var response = await client.GetAsync("/v1/models");

        var id = Assert.Single(response.Headers.GetValues("x-request-id"));
        Assert.Equal(kept ?? id, id);
        Assert.StartsWith(kept is null ? "req_" : kept, id);
    }

    [Fact]
    public async Task Post_UnexpectedFailureOnInference_IsJson500WithRequestId_LoggedOnce()
    {
        var (_, key) = await factory.CustomerAsync("failing-inference");
        var client = factory.Caller(key);
        client.DefaultRequestHeaders.Add(FailingGatewayFactory.FailHeader, "1");

        using var response = await client.ChatAsync();

        await AssertFailureAsync(factory, response);
    }

    [Fact]
    public async Task Post_UnexpectedFailureOnManagement_IsJson500WithRequestId_LoggedOnce()
    {
        var client = factory.Client();
        client.DefaultRequestHeaders.Add(FailingGatewayFactory.FailHeader, "1");

        using var response = await client.PostAsync("/v1/gateway/groups", new StringContent("{}"));

        await AssertFailureAsync(factory, response);
    }

    [Fact]
    public async Task Post_UnexpectedFailureInProduction_IsJson500WithRequestId_LoggedOnce()
    {
        await using var production = new FailingGatewayFactory { Environment = "Production" };
        // Outside Development the key ring's encryption key must come from configuration.
        production.Settings["DataProtection:KeyEncryptionKeys:test"] = Convert.ToBase64String(new byte[32]);
        var client = production.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key",
            await production.MintWorkspaceKeyAsync(WorkspaceScope.Manage));
        client.DefaultRequestHeaders.Add(FailingGatewayFactory.FailHeader, "1");

        using var response = await client.PostAsync("/v1/gateway/groups", new StringContent("{}"));

        await AssertFailureAsync(production, response);
    }

    private static async Task AssertFailureAsync(FailingGatewayFactory host, HttpResponseMessage response)
    {
        var error = await response.AssertOpenAIErrorAsync(HttpStatusCode.InternalServerError, null, "server_error");
        var id = response.Headers.GetValues("x-request-id").Single();
        Assert.Contains(id, (string?)error["message"]);
        Assert.Equal(id, (string?)error["request_id"]);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var logged = Assert.Single(host.Logs, log => log.Message.Contains(id));
        Assert.Equal("Injected failure.", logged.Exception?.Message);
        // Once: the exception handler middleware does not log it again (without the id).
        Assert.Single(host.Logs, log => ReferenceEquals(log.Exception, logged.Exception));
    }
}
