using System.Net;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway;

/// <summary>Prices on endpoints (an extra field) and the cost they put on usage events and billing events.</summary>
public sealed class PricingApiTests : IAsyncLifetime
{
    private const string Slug = "acme/priced";
    // The fake upstream reports 3 prompt and 2 completion tokens a call.
    private const string Answer = """{"id":"x","object":"chat.completion","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";
    private readonly GatewayFactory gateway = new();
    private FakeUpstream upstream = null!;
    private HttpClient sut = null!;
    private string endpoint = "";

    public async Task InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        upstream.Chat = (context, _) => context.Response.WriteAsync(Answer);
        sut = gateway.Client();
        var (_, created) = await sut.PostAsync("/v1/gateway/endpoints", $$$"""
            {"slug":"{{{Slug}}}","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"{{{upstream.BaseUrl}}}"}],
             "price":{"currency":"USD","input_per_million":"3.00","output_per_million":15}}
            """);
        endpoint = created!["id"]!.GetValue<string>();
    }

    public async Task DisposeAsync()
    {
        await upstream.DisposeAsync();
        await gateway.DisposeAsync();
    }

    [Fact]
    public async Task Create_WithPrice_AnswersItAsDecimalStrings()
    {
        var (_, got) = await sut.GetJsonAsync($"/v1/gateway/endpoints/{endpoint}");

        Assert.Equal("""{"currency":"USD","input_per_million":"3","output_per_million":"15"}""", got!["price"]!.ToJsonString());
    }

    [Fact]
    public async Task Call_PricedSlug_EventAndEventsApiCarryTheCost_PriceChangeLeavesPastCostsAlone()
    {
        var (group, key) = await gateway.CustomerAsync("priced-customer", $$"""[{"slug":"{{Slug}}"}]""");
        using var caller = gateway.Caller(key);
        Assert.Equal(200, await caller.ChatAsync(Slug).StatusAsync());
        await gateway.EventsAsync(group, 1);

        var (status, _) = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/endpoints/{endpoint}",
            """{"price":{"currency":"USD","input_per_million":"1000","output_per_million":"1000"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        // On one host the snapshot has the new price before the PATCH is answered.
        Assert.Equal(200, await caller.ChatAsync(Slug).StatusAsync());
        var events = await gateway.EventsAsync(group, 2);
        var (_, listed) = await sut.GetJsonAsync("/v1/gateway/events?start_time=2020-01-01T00:00:00Z&external_entity_id=priced-customer");

        // (3 × 3.00 + 2 × 15) / 1,000,000, then (3 + 2) × 1000 / 1,000,000 once the price changed.
        Assert.Equal([0.000039m, 0.005m], events.OrderBy(e => e.Timestamp).Select(e => e.Cost!.Value));
        Assert.All(events, e => Assert.Equal("USD", e.CostCurrency));
        var first = listed!["items"]![0]!;
        Assert.Equal("""{"amount":"0.000039","currency":"USD"}""", first["cost"]!.ToJsonString());
        Assert.Equal(3, first["tokens"]!["inputTokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task Call_UnpricedSlug_NoCostField()
    {
        var (group, key) = await gateway.CustomerAsync("unpriced-customer");
        using var caller = gateway.Caller(key);
        Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        await gateway.EventsAsync(group, 1);

        var (_, listed) = await sut.GetJsonAsync("/v1/gateway/events?start_time=2020-01-01T00:00:00Z&external_entity_id=unpriced-customer");

        Assert.False(listed!["items"]![0]!.AsObject().ContainsKey("cost"));
    }

    [Theory]
    [InlineData("""{"price":{"currency":"US","input_per_million":"1","output_per_million":"1"}}""", "price.currency")]
    [InlineData("""{"price":{"currency":"USD\n","input_per_million":"1","output_per_million":"1"}}""", "price.currency")]
    [InlineData("""{"price":{"currency":"USD","input_per_million":"-0.5","output_per_million":"1"}}""", "price.input_per_million")]
    [InlineData("""{"slug":"acme/renamed","price":{"currency":"USD","input_per_million":"1","output_per_million":"x"}}""", "price.output_per_million")]
    [InlineData("""{"price":[]}""", "price")]
    public async Task Patch_BadPrice_400NamingTheField_NothingChanged(string body, string param)
    {
        var (status, error) = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/endpoints/{endpoint}", body);
        var (_, after) = await sut.GetJsonAsync($"/v1/gateway/endpoints/{endpoint}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(param, error!["error"]!["param"]!.GetValue<string>());
        Assert.Equal((Slug, "3"), (after!["slug"]!.GetValue<string>(), after["price"]!["input_per_million"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Patch_NullPrice_Clears()
    {
        var (status, patched) = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/endpoints/{endpoint}", """{"price":null}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(patched!.AsObject().ContainsKey("price"));
        Assert.Null(await gateway.QueryAsync(db => db.Endpoints.Where(e => e.Id == endpoint).Select(e => e.PriceCurrency).SingleAsync()));
    }
}
