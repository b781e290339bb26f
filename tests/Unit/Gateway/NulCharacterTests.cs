using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway;

/// <summary>
/// U+0000 in a field or a query parameter. PostgreSQL's text cannot hold it (Npgsql fails the statement with 22021), so
/// without a check the same input a SQLite host stored was a 500 on a PostgreSQL one: it is a 400 naming the field on both.
/// </summary>
public abstract class NulCharacterTests(GatewayFactory factory)
{
    public sealed class OnSqlite(GatewayFactory factory) : NulCharacterTests(factory), IClassFixture<GatewayFactory>;

    public sealed class OnPostgres(PostgresGatewayFactory factory) : NulCharacterTests(factory), IClassFixture<PostgresGatewayFactory>;

    private const string Hierarchy = """ "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":null} """;

    [Theory]
    [InlineData($$"""{"metadata":{"external_entity_id":"a\u0000b"},"models":[{"slug":"a/b"}],{{Hierarchy}} }""", "metadata.external_entity_id")]
    [InlineData($$"""{"metadata":{"external_entity_id":"nul-name","name":"\u0000"},"models":[{"slug":"a/b"}],{{Hierarchy}} }""", "metadata.name")]
    public async Task CreateGroup_NulInString_Is400NamingTheField_AndWritesNothing(string body, string param)
    {
        var before = await factory.QueryAsync(db => db.Groups.CountAsync());

        var response = await factory.Client().PostAsync("/v1/gateway/groups", body);

        response.AssertError(HttpStatusCode.BadRequest, param);
        Assert.Equal($"{param} must not contain the character U+0000.", response.Body!["error"]!["message"]!.GetValue<string>());
        Assert.Equal("invalid_value", response.Body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(before, await factory.QueryAsync(db => db.Groups.CountAsync()));
    }

    [Fact]
    public async Task MintKey_NulInName_Is400NamingTheField()
    {
        var client = factory.Client();
        var group = await client.CreateGroupAsync("nul-key-" + Guid.NewGuid().ToString("N"));

        var response = await client.PostAsync($"/v1/gateway/groups/{group}/api_keys", """{"name":"k\u0000"}""");

        response.AssertError(HttpStatusCode.BadRequest, "name");
        Assert.Equal(0, await factory.QueryAsync(db => db.CustomerApiKeys.CountAsync(k => k.GroupId == group)));
    }

    [Fact]
    public async Task CreateEndpoint_NulInTargetModel_Is400NamingTheField() =>
        (await factory.Client().PostAsync("/v1/gateway/endpoints", """
            {"slug":"nul/model","targets":[{"provider":"SIMULATED","target_model":"m\u0000"}]}
            """)).AssertError(HttpStatusCode.BadRequest, "targets[0].target_model");

    [Theory]
    [InlineData("/v1/gateway/groups?external_entity_id=a%00b", "external_entity_id")]
    [InlineData("/v1/gateway/events?start_time=2026-01-01T00:00:00Z&external_entity_id=%00", "external_entity_id")]
    [InlineData("/v1/gateway/events?start_time=2026-01-01T00:00:00Z&api_key_prefix=%00", "api_key_prefix")]
    public async Task List_NulInQuery_Is400NamingTheParameter(string url, string param) =>
        (await factory.Client().GetJsonAsync(url)).AssertError(HttpStatusCode.BadRequest, param);

    [Theory]
    [InlineData("/v1/gateway/groups")]
    [InlineData("/v1/gateway/endpoints")]
    [InlineData("/v1/gateway/webhook/deliveries")]
    public async Task List_CursorHoldingNul_Is400NamingTheCursor(string url)
    {
        (await factory.Client().GetJsonAsync($"{url}?cursor={Encode("c1:\0")}")).AssertError(HttpStatusCode.BadRequest, "cursor");
    }

    [Fact]
    public async Task ListEvents_CursorHoldingNul_Is400NamingTheCursor()
    {
        var state = """
            {"Start":"2026-01-01T00:00:00Z","End":"2026-01-02T00:00:00Z","External":"\u0000","Prefix":null,
             "LastTime":"2026-01-01T00:00:00Z","LastKey":"k","NewestFirst":false}
            """;

        (await factory.Client().GetJsonAsync($"/v1/gateway/events?cursor={Encode(state)}"))
            .AssertError(HttpStatusCode.BadRequest, "cursor");
    }

    private static string Encode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
