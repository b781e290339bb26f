using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

public sealed class InferenceErrorsTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    [Theory]
    [InlineData("{not json", null)]
    [InlineData("[1,2]", null)]
    [InlineData("""{"messages":[]}""", "model")]
    [InlineData("""{"model":42}""", "model")]
    [InlineData("""{"model":"your-org/your-model","model":"other/model"}""", "model")]
    [InlineData("""{"model":"your-org/your-model","stream":true,"stream":false}""", "stream")]
    [InlineData("""{"model":"your-org/your-model"} {}""", null)]
    [InlineData("""{"model":"your-org/your-model","messages":[}""", null)]
    [InlineData("""{"model":""}""", "model")]
    [InlineData("", null)]
    [InlineData("\"text\"", null)]
    public async Task BadBody_Is400InOpenAIShape_NamingTheField(string body, string? param)
    {
        var (_, key) = await factory.CustomerAsync($"err-body-{body.GetHashCode():x}");

        using var response = await factory.Caller(key).PostAsync("/v1/chat/completions",
            new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer abcdefghijklmnop.0123456789012345678901234567890123456789")]
    public async Task MissingOrUnknownKey_Is401_OnEveryRoute(string? header)
    {
        var client = factory.CreateClient();
        if (header is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        }

        using var chat = await client.ChatAsync();
        using var models = await client.GetAsync("/v1/models");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (chat.StatusCode, models.StatusCode));
        Assert.Equal("invalid_api_key", JsonNode.Parse(await chat.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApiKeyScheme_IsAcceptedToo()
    {
        var (_, key) = await factory.CustomerAsync("err-apikey-scheme");
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", key);

        Assert.Equal(200, await client.ChatAsync().StatusAsync());
    }

    [Fact]
    public async Task ExpiredKey_IsRefused()
    {
        await using var host = new GatewayFactory();
        var group = await host.Client().CreateGroupAsync("err-expiry", models: """[{"slug":"your-org/your-model"}]""");
        var expires = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var (_, minted) = await host.Client().PostAsync($"/v1/gateway/groups/{group}/api_keys", $$"""{"expires_at":"{{expires}}"}""");
        var key = minted!["api_key"]!.GetValue<string>();

        var before = await host.Caller(key).ChatAsync().StatusAsync();
        host.Time.Offset = TimeSpan.FromHours(2);
        var after = await host.Caller(key).ChatAsync().StatusAsync();

        Assert.Equal((200, 401), (before, after));
    }

    [Fact]
    public async Task DeletedGroup_KeysRefusedOnTheNextCall()
    {
        var (group, key) = await factory.CustomerAsync("err-deleted");
        var before = await factory.Caller(key).ChatAsync().StatusAsync();

        await factory.Client().SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}");

        Assert.Equal((200, 401), (before, await factory.Caller(key).ChatAsync().StatusAsync()));
    }
}
