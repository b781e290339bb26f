using System.Net;
using System.Text.Json.Nodes;

namespace FrontierGateway.Tests.Unit.Gateway;

/// <summary>The README's curl quick-start, answer by answer.</summary>
public sealed class QuickStartTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string CreateBody = """
        {"metadata": {"name": "Acme prod", "external_entity_id": "cust_42"},
         "models": [{"slug": "your-org/your-model",
                     "rate_limits":  [{"type": "TOKEN", "unit": "MINUTE", "threshold": 1000000}],
                     "usage_limits": [{"type": "TOKEN", "unit": "DAY", "threshold": 10000000}]}],
         "hierarchy": {"limit_enforcement": "INDEPENDENT", "parent_group_id": null}}
        """;

    [Fact]
    public async Task CreateGroup_QuickStartBody_AnswersTheContractShape()
    {
        var (status, body) = await factory.Client().PostAsync("/v1/gateway/groups", CreateBody);

        Assert.Equal(HttpStatusCode.OK, status);
        var group = body!.AsObject();
        var id = group["id"]!.GetValue<string>();
        Assert.Equal(["id", "metadata", "models", "effective_models", "hierarchy", "created_at"], group.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"name":"Acme prod","external_entity_id":"cust_42"}"""), group["metadata"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            [{"slug":"your-org/your-model",
              "rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":1000000}],
              "usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":10000000}]}]
            """), group["models"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            [{"slug":"your-org/your-model",
              "rate_limits":[{"type":"TOKEN","unit":"MINUTE","threshold":1000000,"source_group":"{{id}}"}],
              "usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":10000000,"source_group":"{{id}}"}]}]
            """), group["effective_models"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"limit_enforcement":"INDEPENDENT","parent_group_id":null}"""),
            group["hierarchy"]));
        var created = DateTimeOffset.Parse(group["created_at"]!.GetValue<string>());
        Assert.EndsWith("Z", group["created_at"]!.GetValue<string>());
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task MintKey_QuickStartBody_AnswersKeyPrefixAndName()
    {
        var client = factory.Client();
        var groupId = await client.CreateGroupAsync("quick-mint");

        var (status, body) = await client.PostAsync($"/v1/gateway/groups/{groupId}/api_keys", """{"name": "prod-key-1"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["api_key", "prefix", "name"], body!.AsObject().Select(p => p.Key));
        var apiKey = body["api_key"]!.GetValue<string>();
        var prefix = body["prefix"]!.GetValue<string>();
        Assert.Equal(16, prefix.Length);
        Assert.StartsWith(prefix + ".", apiKey);
        Assert.True(apiKey.Length - 17 >= 32);
        Assert.Equal("prod-key-1", body["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUsage_BeforeFirstRequest_ListsDailyLimitsWithNullUsage()
    {
        var client = factory.Client();
        var (_, created) = await client.PostAsync("/v1/gateway/groups", CreateBody.Replace("cust_42", "cust_usage"));

        var (status, body) = await client.GetJsonAsync($"/v1/gateway/groups/{created!["id"]}/usage");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("cust_usage", body!["customer_id"]!.GetValue<string>());
        var limit = body["usage"]!["your-org/your-model"]!.AsArray().Single()!;
        Assert.Equal(("TOKEN", "DAY", 10000000L), (limit["type"]!.GetValue<string>(), limit["unit"]!.GetValue<string>(),
            limit["threshold"]!.GetValue<long>()));
        Assert.Null(limit["current_usage"]);
        Assert.Null(limit["reset_at"]);
    }
}
