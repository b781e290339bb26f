using System.Net;
using System.Net.Http.Headers;
using FrontierGateway.Data.Entities;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway;

public abstract class AuthTests(GatewayFactory factory)
{
    public sealed class OnSqlite(GatewayFactory factory) : AuthTests(factory), IClassFixture<GatewayFactory>;

    public sealed class OnPostgres(PostgresGatewayFactory factory) : AuthTests(factory), IClassFixture<PostgresGatewayFactory>;

    [Fact]
    public async Task Get_NoKey_Is401InTheErrorShape()
    {
        var sut = factory.CreateClient();

        (await sut.GetJsonAsync("/v1/gateway/groups")).AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Theory]
    [InlineData("Api-Key nope")]
    [InlineData("Api-Key abcdefghijklmnop.0123456789012345678901234567890123456789")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Get_UnknownOrMalformedKey_Is401(string header)
    {
        var sut = factory.CreateClient();
        sut.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        (await sut.GetJsonAsync("/v1/gateway/groups")).AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public async Task Get_BearerScheme_IsAccepted()
    {
        var sut = factory.CreateClient();
        sut.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + GatewayFactory.ManageKey);

        Assert.Equal(HttpStatusCode.OK, (await sut.GetJsonAsync("/v1/gateway/groups")).Status);
    }

    [Fact]
    public async Task ViewKey_ReadsButCannotWrite()
    {
        var sut = factory.Client(await factory.MintWorkspaceKeyAsync(WorkspaceScope.View));
        var groupsBefore = await factory.QueryAsync(db => Task.FromResult(db.Groups.Count()));

        Assert.Equal(HttpStatusCode.OK, (await sut.GetJsonAsync("/v1/gateway/endpoints")).Status);
        (await sut.PostAsync("/v1/gateway/groups", "{}")).AssertError(HttpStatusCode.Forbidden, null);
        Assert.Equal(groupsBefore, await factory.QueryAsync(db => Task.FromResult(db.Groups.Count())));
    }

    [Fact]
    public async Task RevokedWorkspaceKey_Is401()
    {
        var key = await factory.MintWorkspaceKeyAsync(WorkspaceScope.Manage);
        var sut = factory.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await sut.GetJsonAsync("/v1/gateway/groups")).Status);

        await factory.Services.GetRequiredService<FrontierGateway.Data.Keys.WorkspaceKeyService>()
            .RevokeAsync(key[..16], "test");

        (await sut.GetJsonAsync("/v1/gateway/groups")).AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Theory]
    [InlineData(null, """{"error":{"message":"Missing API key: send Authorization: Api-Key <key>.","type":"authentication_error","param":null,"code":"missing_api_key"}}""")]
    [InlineData("Bearer ", """{"error":{"message":"Missing API key: send Authorization: Api-Key <key>.","type":"authentication_error","param":null,"code":"missing_api_key"}}""")]
    [InlineData("Api-Key nope", """{"error":{"message":"Invalid API key.","type":"authentication_error","param":null,"code":"invalid_api_key"}}""")]
    [InlineData("Bearer abcdefghijklmnop.0123456789012345678901234567890123456789", """{"error":{"message":"Invalid API key.","type":"authentication_error","param":null,"code":"invalid_api_key"}}""")]
    public async Task Request_MissingOrUnknownKey_Is401WithTheExactBody(string? header, string expected)
    {
        var sut = factory.CreateClient();
        if (header is not null)
        {
            sut.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        }

        using var response = await sut.PostAsync("/v1/gateway/groups", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(WithRequestId(expected, response), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The contract's body with the call's request id beside its four fields, as the header names it.</summary>
    private static string WithRequestId(string body, HttpResponseMessage response) =>
        $"{body[..^2]},\"request_id\":\"{response.Headers.GetValues("x-request-id").Single()}\"}}}}";

    [Theory]
    [InlineData("Api-Key")]
    [InlineData("Bearer")]
    public async Task ViewKey_WriteInEitherHeaderForm_Is403WithTheExactBody(string scheme)
    {
        var sut = factory.CreateClient();
        sut.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue(scheme, await factory.MintWorkspaceKeyAsync(WorkspaceScope.View));

        using var response = await sut.DeleteAsync("/v1/gateway/endpoints/ep_nope");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(WithRequestId("""{"error":{"message":"This API key has the view scope; this request needs the manage scope.","type":"permission_error","param":null,"code":"insufficient_scope"}}""",
            response), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownRoute_AnswersAfterTheScopeItsMethodNeeds()
    {
        var view = factory.Client(await factory.MintWorkspaceKeyAsync(WorkspaceScope.View));

        (await view.GetJsonAsync("/v1/gateway/nope")).AssertError(HttpStatusCode.NotFound, null);
        (await view.PostAsync("/v1/gateway/nope", "{}")).AssertError(HttpStatusCode.Forbidden, null);
        (await factory.Client().PostAsync("/v1/gateway/nope", "{}")).AssertError(HttpStatusCode.NotFound, null);
        (await factory.CreateClient().GetJsonAsync("/v1/gateway/nope")).AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public async Task Write_RecordsTheKeyOfThePrincipalAsTheActor()
    {
        var key = await factory.MintWorkspaceKeyAsync(WorkspaceScope.Manage);
        var sut = factory.CreateClient();
        sut.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var id = await sut.CreateGroupAsync("cust_actor_" + key[..6]);

        var actor = await factory.QueryAsync(db => Task.FromResult(
            db.AuditEntries.Where(e => e.TargetId == id).Select(e => e.Actor).Single()));
        Assert.Equal($"api_key:{key[..16]}", actor);
    }
}
