using System.Net;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway;

/// <summary>Every refused write names the field and leaves the database as it was.</summary>
public sealed class BadInputTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string Hierarchy = """ "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":null} """;

    public static TheoryData<string, string?> BadGroups => new()
    {
        { "{not json", null },
        { "[]", null },
        { "null", null },
        { "", null },
        { $$"""{"metadata":{},"models":[{"slug":"a/b"}],{{Hierarchy}} }""", "metadata.external_entity_id" },
        { $$"""{"metadata":{"external_entity_id":"{{new string('x', 256)}}"},"models":[{"slug":"a/b"}],{{Hierarchy}} }""", "metadata.external_entity_id" },
        { $$"""{"metadata":{"external_entity_id":"e","name":"{{new string('x', 256)}}"},"models":[{"slug":"a/b"}],{{Hierarchy}} }""", "metadata.name" },
        { $$"""{"metadata":{"external_entity_id":42},"models":[{"slug":"a/b"}],{{Hierarchy}} }""", "metadata.external_entity_id" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[],{{Hierarchy}} }""", "models" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":{},{{Hierarchy}} }""", "models" },
        { """{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b"}]}""", "hierarchy" },
        { """{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b"}],"hierarchy":{"limit_enforcement":"SHARED"}}""", "hierarchy.limit_enforcement" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":"100"}]}],{{Hierarchy}} }""", "models[0].rate_limits[0].threshold" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":1.5}]}],{{Hierarchy}} }""", "models[0].rate_limits[0].threshold" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":0}]}],{{Hierarchy}} }""", "models[0].rate_limits[0].threshold" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":-3}]}],{{Hierarchy}} }""", "models[0].rate_limits[0].threshold" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":9007199254740992}]}],{{Hierarchy}} }""", "models[0].usage_limits[0].threshold" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":1},{"type":"TOKEN","unit":"SECOND","threshold":1}]}],{{Hierarchy}} }""", "models[0].rate_limits[1]" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","rate_limits":[{"type":"TOKENS","unit":"MINUTE","threshold":1}]}],{{Hierarchy}} }""", "models[0].rate_limits[0].type" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","usage_limits":[{"type":"TOKEN","unit":"WEEK","threshold":1}]}],{{Hierarchy}} }""", "models[0].usage_limits[0].unit" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":5},{"type":"TOKEN","unit":"DAY","threshold":6}]}],{{Hierarchy}} }""", "models[0].usage_limits[1]" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"a/b","rate_limits":[null]}],{{Hierarchy}} }""", "models[0].rate_limits[0]" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"not a slug"}],{{Hierarchy}} }""", "models[0].slug" },
        { $$"""{"metadata":{"external_entity_id":"e"},"models":[{"slug":"acme/m\n"}],{{Hierarchy}} }""", "models[0].slug" },
    };

    [Theory]
    [MemberData(nameof(BadGroups))]
    public async Task CreateGroup_BadBody_Is400NamingTheField_AndWritesNothing(string body, string? param)
    {
        var before = await CountRowsAsync();

        var response = await factory.Client().PostAsync("/v1/gateway/groups", body);

        response.AssertError(HttpStatusCode.BadRequest, param);
        Assert.Equal(before, await CountRowsAsync());
    }

    [Theory]
    [InlineData("""{"models":[{"slug":"a/b","rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":"9"}]}]}""",
        "models[0].rate_limits[0].threshold must be an integer.")]
    [InlineData("""{"metadata":{"external_entity_id":5}}""", "metadata.external_entity_id must be a string.")]
    [InlineData("""{"models":{}}""", "models must be an array.")]
    public async Task CreateGroup_WrongType_MessageSaysWhatWasExpected(string body, string message)
    {
        var (_, error) = await factory.Client().PostAsync("/v1/gateway/groups", body);

        Assert.Equal(message, error!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateGroup_LargestThreshold_IsKeptExactly()
    {
        var (status, body) = await factory.Client().PostAsync("/v1/gateway/groups", $$"""
            {"metadata":{"external_entity_id":"max-threshold"},"models":[{"slug":"a/b","usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":9007199254740991}]}],{{Hierarchy}} }
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(9007199254740991, body!["models"]![0]!["usage_limits"]![0]!["threshold"]!.GetValue<long>());
    }

    [Fact]
    public async Task CreateGroup_BodyWithAByteOrderMark_IsRead()
    {
        // What PowerShell's and some .NET clients' UTF-8 encodings send; RFC 8259 lets a parser ignore it.
        var json = $$"""{"metadata":{"external_entity_id":"bom"},"models":[{"slug":"a/b"}],{{Hierarchy}} }""";
        using var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(json)]);
        content.Headers.ContentType = new("application/json");

        using var response = await factory.Client().PostAsync("/v1/gateway/groups", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CreateGroup_OversizeBody_Is400()
    {
        var body = $$"""{"metadata":{"external_entity_id":"big","name":"{{new string('x', 2 * 1024 * 1024)}}" } }""";

        (await factory.Client().PostAsync("/v1/gateway/groups", body)).AssertError(HttpStatusCode.BadRequest, null);
    }

    [Theory]
    [InlineData("""{"metadata":{"external_entity_id":"dup-3"},"metadata":{"external_entity_id":"dup-4"},"models":[{"slug":"a/b"}],"hierarchy":{}}""", "metadata")]
    [InlineData("""{"metadata":{"external_entity_id":"dup-1","external_entity_id":"dup-2"},"models":[{"slug":"a/b"}],"hierarchy":{}}""", "metadata.external_entity_id")]
    [InlineData("""{"metadata":{"external_entity_id":"dup"},"models":[{"slug":"a/b","slug":"c/d"}],"hierarchy":{}}""", "models[0].slug")]
    public async Task CreateGroup_RepeatedPropertyName_Is400NamingIt_AndWritesNothing(string body, string param)
    {
        var before = await CountRowsAsync();

        var response = await factory.Client().PostAsync("/v1/gateway/groups", body);

        response.AssertError(HttpStatusCode.BadRequest, param);
        Assert.Equal($"A property name is repeated at {param}.", response.Body!["error"]!["message"]!.GetValue<string>());
        Assert.Equal("duplicate_parameter", response.Body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task CreateEndpoint_RepeatedNameInPrice_Is400NamingPrice()
    {
        var response = await factory.Client().PostAsync("/v1/gateway/endpoints", """
            {"slug":"dup/price","targets":[{"provider":"SIMULATED"}],
             "price":{"currency":"USD","input_per_million":"1","input_per_million":"2","output_per_million":"1"}}
            """);

        response.AssertError(HttpStatusCode.BadRequest, "price");
        Assert.Equal("A property name is repeated at price.", response.Body!["error"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/gateway/groups?limit=0", "limit")]
    [InlineData("/v1/gateway/groups?limit=1001", "limit")]
    [InlineData("/v1/gateway/groups?cursor=garbage", "cursor")]
    [InlineData("/v1/gateway/endpoints?limit=x", "limit")]
    [InlineData("/v1/gateway/groups?limit=%20", "limit")]
    [InlineData("/v1/gateway/groups?cursor=%20", "cursor")]
    [InlineData("/v1/gateway/endpoints?cursor=%20", "cursor")]
    public async Task List_BadQuery_Is400NamingTheParameter(string url, string param) =>
        (await factory.Client().GetJsonAsync(url)).AssertError(HttpStatusCode.BadRequest, param);

    [Theory]
    [InlineData("/v1/gateway/groups/grp_missing")]
    [InlineData("/v1/gateway/groups/grp_missing/usage")]
    [InlineData("/v1/gateway/groups/grp_missing/api_keys")]
    [InlineData("/v1/gateway/endpoints/ep_missing")]
    [InlineData("/v1/gateway/no-such-route")]
    public async Task Get_Missing_Is404InTheErrorShape(string url)
    {
        var (status, body) = await factory.Client().GetJsonAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.NotNull(body?["error"]?["message"]);
    }

    private Task<(int, int, int, int)> CountRowsAsync() => factory.QueryAsync(async db => (
        await db.Groups.CountAsync(), await db.GroupModels.CountAsync(), await db.ModelLimits.CountAsync(),
        await db.AuditEntries.CountAsync()));
}
