using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

public sealed class LimitsTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string Slug = InferenceHelpers.SimulatedSlug;

    private static string Limits(string rate = "", string usage = "") =>
        $$"""[{"slug":"{{Slug}}","rate_limits":[{{rate}}],"usage_limits":[{{usage}}]}]""";

    [Fact]
    public async Task RequestLimit_FiftyConcurrentCallers_AdmitExactlyTheThreshold()
    {
        var (group, key) = await factory.CustomerAsync("lim-concurrent", Limits("""{"type":"REQUEST","unit":"MINUTE","threshold":10}"""));
        var client = factory.Caller(key);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.ChatAsync().StatusAsync()));

        Assert.Equal(10, statuses.Count(s => s == 200));
        Assert.Equal(40, statuses.Count(s => s == 429));
        Assert.Equal(10, (await factory.EventsAsync(group, 10)).Count);
    }

    [Fact]
    public async Task Refusal_Is429InOpenAIShape_NamingLimitAndSource_WithHeaders()
    {
        var (group, key) = await factory.CustomerAsync("lim-shape", Limits("""{"type":"REQUEST","unit":"MINUTE","threshold":1}"""));
        var client = factory.Caller(key);
        using var first = await client.ChatAsync();

        using var refused = await client.ChatAsync();

        Assert.Equal("1", first.Headers.GetValues("x-ratelimit-limit-requests").Single());
        Assert.Equal("0", first.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.NotEmpty(refused.Headers.GetValues("x-ratelimit-reset-requests").Single());
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("rate_limit_exceeded", error["type"]!.GetValue<string>());
        Assert.Equal(("REQUEST", "MINUTE", 1, group), (error["limit"]!["type"]!.GetValue<string>(),
            error["limit"]!["unit"]!.GetValue<string>(), error["limit"]!["threshold"]!.GetValue<int>(),
            error["limit"]!["source_group"]!.GetValue<string>()));
        Assert.Contains(group, error["message"]!.GetValue<string>());
        Assert.Single(await factory.EventsAsync(group, 1));
    }

    [Fact]
    public async Task TokenLimit_AdmitsWhileTheReservationFits_ThenRefusesOnceTheRealUsageIsDebited()
    {
        // Each call reserves its 9-token prompt and max_tokens of 8, and uses as much: one fits under 30, two do not.
        var (group, key) = await factory.CustomerAsync("lim-tokens", Limits("""{"type":"TOKEN","unit":"MINUTE","threshold":30}"""));
        var client = factory.Caller(key);

        using var first = await client.ChatAsync();
        using var second = await client.ChatAsync();

        Assert.True(first.IsOk());
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        var usage = Assert.Single(await factory.EventsAsync(group, 1));
        Assert.Equal(17, usage.InputTokens + usage.OutputTokens);
    }

    [Fact]
    public async Task DailyLimit_RollsOverAtMidnightUtc()
    {
        await using var host = new GatewayFactory();
        var midnight = DateTimeOffset.UtcNow.Date.AddDays(1);
        host.Time.Set(new DateTimeOffset(midnight).AddSeconds(-30));
        var (group, key) = await host.CustomerAsync("lim-daily", Limits(usage: """{"type":"REQUEST","unit":"DAY","threshold":2}"""));
        var client = host.Caller(key);

        var before = new[] { await client.ChatAsync().StatusAsync(), await client.ChatAsync().StatusAsync() };
        using var refused = await client.ChatAsync();
        host.Time.Set(new DateTimeOffset(midnight).AddSeconds(1));
        var after = await client.ChatAsync().StatusAsync();

        Assert.Equal([200, 200], before);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 31);
        Assert.Contains("usage_limit_exceeded", await refused.Content.ReadAsStringAsync());
        Assert.Equal(200, after);
        var (_, usage) = await host.Client().GetJsonAsync($"/v1/gateway/groups/{group}/usage");
        Assert.Equal(1, usage!["usage"]![Slug]![0]!["current_usage"]!.GetValue<long>());
    }

    [Fact]
    public async Task Independent_ChildOverridesParent_SiblingsDoNotShare()
    {
        var client = factory.Client();
        var parent = await client.CreateGroupAsync("lim-ind-parent", models: Limits(usage: """{"type":"REQUEST","unit":"DAY","threshold":1}"""));
        var (_, overriding) = await factory.CustomerAsync("lim-ind-a", Limits(usage: """{"type":"REQUEST","unit":"DAY","threshold":3}"""), parent: parent);
        var (_, inheritingA) = await factory.CustomerAsync("lim-ind-b", """[{"slug":"acme/other"}]""", parent: parent);
        var (_, inheritingB) = await factory.CustomerAsync("lim-ind-c", """[{"slug":"acme/other"}]""", parent: parent);

        var a = await Calls(overriding, 4);
        var b = await Calls(inheritingA, 2);
        var c = await Calls(inheritingB, 1);

        Assert.Equal([200, 200, 200, 429], a);
        Assert.Equal([200, 429], b);
        Assert.Equal([200], c);
    }

    [Fact]
    public async Task Cascading_SiblingsDrainTheSharedParentPool()
    {
        var client = factory.Client();
        var parent = await client.CreateGroupAsync("lim-cas-parent", "CASCADING", models: Limits(usage: """{"type":"REQUEST","unit":"DAY","threshold":10}"""));
        var child = Limits(usage: """{"type":"REQUEST","unit":"DAY","threshold":7}""");
        var (_, first) = await factory.CustomerAsync("lim-cas-a", child, "CASCADING", parent);
        var (_, second) = await factory.CustomerAsync("lim-cas-b", child, "CASCADING", parent);

        var a = await Calls(first, 8);
        var b = await Calls(second, 4);
        using var refused = await factory.Caller(second).ChatAsync();

        Assert.Equal([.. Enumerable.Repeat(200, 7), 429], a);
        Assert.Equal([200, 200, 200, 429], b);
        Assert.Equal(parent, JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["limit"]!["source_group"]!.GetValue<string>());
        var (_, usage) = await client.GetJsonAsync($"/v1/gateway/groups/{parent}/usage");
        Assert.Equal(10, usage!["usage"]![Slug]![0]!["current_usage"]!.GetValue<long>());
    }

    [Fact]
    public async Task RevocationAndSlugRemoval_TakeEffectOnTheNextRequest()
    {
        var (group, key) = await factory.CustomerAsync("lim-revoke", """[{"slug":"your-org/your-model"}]""");
        var (_, other) = await factory.CustomerAsync("lim-remove", """[{"slug":"your-org/your-model"}]""");
        var client = factory.Client();
        var okBefore = await factory.Caller(key).ChatAsync().StatusAsync();
        var otherBefore = await factory.Caller(other).ChatAsync().StatusAsync();

        await client.SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}/api_keys/{key[..16]}");
        var otherGroup = (await client.GetJsonAsync("/v1/gateway/groups?external_entity_id=lim-remove")).Body!["items"]![0]!["id"]!.GetValue<string>();
        await client.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{otherGroup}", """{"models":[{"slug":"acme/else"}]}""");

        Assert.Equal((200, 200), (okBefore, otherBefore));
        Assert.Equal(401, await factory.Caller(key).ChatAsync().StatusAsync());
        Assert.Equal(404, await factory.Caller(other).ChatAsync().StatusAsync());
    }

    [Fact]
    public async Task DailyCounters_SurviveARestartOfTheHost()
    {
        var folder = GatewayFactory.NewFolder();
        string key, group;
        await using (var first = new GatewayFactory { Folder = folder, KeepFolder = true })
        {
            (group, key) = await first.CustomerAsync("lim-restart", Limits(usage: """{"type":"REQUEST","unit":"DAY","threshold":3}"""));
            Assert.Equal(new[] { 200, 200 }, new[] { await first.Caller(key).ChatAsync().StatusAsync(), await first.Caller(key).ChatAsync().StatusAsync() });
        }
        await using var second = new GatewayFactory { Folder = folder };

        var statuses = new[] { await second.Caller(key).ChatAsync().StatusAsync(), await second.Caller(key).ChatAsync().StatusAsync() };

        Assert.Equal([200, 429], statuses);
        Assert.Equal(3, (await second.EventsAsync(group, 3)).Count);
        var stored = await second.QueryAsync(db => db.CustomerApiKeys.SingleAsync(k => k.Prefix == key.Substring(0, 16)));
        Assert.NotNull(stored.LastUsedAt);
    }

    private async Task<int[]> Calls(string key, int count)
    {
        var statuses = new int[count];
        for (var i = 0; i < count; i++)
        {
            statuses[i] = await factory.Caller(key).ChatAsync().StatusAsync();
        }
        return statuses;
    }
}
