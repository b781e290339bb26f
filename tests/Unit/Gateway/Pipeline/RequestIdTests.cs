using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FrontierGateway.Tests.Unit.Gateway.Inference;

namespace FrontierGateway.Tests.Unit.Gateway.Pipeline;

/// <summary>
/// The request id of every <c>/v1</c> answer (SPEC §6): the client's when sane, else the gateway's; the same id in the
/// usage event and in the body of every error, inference and management.
/// </summary>
public sealed class RequestIdTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static string IdOf(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("x-request-id"));

    [Theory]
    [InlineData(65)]
    [InlineData(1000)]
    public async Task Send_TooLongRequestId_IsReplaced(int length)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("x-request-id", new string('a', length));

        using var response = await client.GetAsync("/v1/models");

        Assert.Matches("^req_[0-9a-z]{26}$", IdOf(response));
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("bell\u0007")]
    [InlineData("nul\u0000x")]
    [InlineData("ünïcode")]
    public async Task Send_RequestIdWithControlOrForeignCharacters_IsReplaced(string sent)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("x-request-id", sent);

        using var response = await client.GetAsync("/v1/models");

        Assert.Matches("^req_[0-9a-z]{26}$", IdOf(response));
    }

    [Fact]
    public async Task Send_RequestIdOf64Characters_IsEchoed()
    {
        var sent = new string('x', 63) + "1";
        var client = factory.Client();
        client.DefaultRequestHeaders.Add("x-request-id", sent);

        using var response = await client.GetAsync("/v1/gateway/groups");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sent, IdOf(response));
    }

    [Fact]
    public async Task Post_ClientRequestId_IsInTheUsageEvent()
    {
        var (group, key) = await factory.CustomerAsync("request-id-usage");
        var client = factory.Caller(key);
        client.DefaultRequestHeaders.Add("x-request-id", "client-usage-1");

        using var response = await client.ChatAsync();

        Assert.Equal("client-usage-1", IdOf(response));
        Assert.Equal("client-usage-1", Assert.Single(await factory.EventsAsync(group, 1)).RequestId);
    }

    public static TheoryData<string, string, string?, string?, HttpStatusCode> Errors => new()
    {
        // Inference: bad key, bad body, unknown model, unknown URL.
        { "POST", "/v1/chat/completions", "Bearer nope", """{"model":"x","messages":[]}""", HttpStatusCode.Unauthorized },
        { "POST", "/v1/chat/completions", "customer", """{"model":5}""", HttpStatusCode.BadRequest },
        { "POST", "/v1/chat/completions", "customer", """{"model":"no/such","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.NotFound },
        { "GET", "/v1/nope", null, null, HttpStatusCode.NotFound },
        // Management: no key, unknown group, bad input, view key writing.
        { "GET", "/v1/gateway/groups", null, null, HttpStatusCode.Unauthorized },
        { "GET", "/v1/gateway/groups/grp_nope", "manage", null, HttpStatusCode.NotFound },
        { "POST", "/v1/gateway/groups", "manage", """{"metadata":{}}""", HttpStatusCode.BadRequest },
        { "POST", "/v1/gateway/endpoints", "view", "{}", HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Send_Error_BodyNamesTheRequestId(string method, string path, string? auth, string? body, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        var header = auth switch
        {
            "customer" => "Bearer " + (await factory.CustomerAsync($"request-id-{Guid.NewGuid():N}")).Key,
            "manage" => "Api-Key " + GatewayFactory.ManageKey,
            "view" => "Api-Key " + await factory.MintWorkspaceKeyAsync(FrontierGateway.Data.Entities.WorkspaceScope.View),
            _ => auth,
        };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }
        request.Headers.Add("x-request-id", "err-" + (int)status);

        using var response = await factory.CreateClient().SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.Equal("err-" + (int)status, IdOf(response));
        Assert.Equal("err-" + (int)status, (string?)JsonNode.Parse(text)!["error"]!["request_id"]);
    }
}
