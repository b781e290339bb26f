using System.Buffers.Text;
using System.Net;
using System.Text;
using FrontierGateway.Data.Entities;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

public abstract class EventsApiTests(GatewayFactory factory)
{
    public sealed class OnSqlite(GatewayFactory factory) : EventsApiTests(factory), IClassFixture<GatewayFactory>;

    public sealed class OnPostgres(PostgresGatewayFactory factory) : EventsApiTests(factory), IClassFixture<PostgresGatewayFactory>;

    private static readonly DateTime Base = new(2026, 5, 13, 12, 0, 0, DateTimeKind.Utc);

    private async Task SeedAsync(string external, string prefix, int count, int startSecond = 0, string? tag = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await factory.QueryAsync(async db =>
        {
            for (var i = 0; i < count; i++)
            {
                db.UsageEvents.Add(new UsageEvent
                {
                    IdempotencyKey = FrontierGateway.Data.Ids.NewUlid(), Timestamp = Base.AddSeconds(startSecond + i),
                    RequestId = $"req_{tag ?? external}_{startSecond + i}", ModelSlug = "acme/m", GroupId = "grp_x", ExternalEntityId = external,
                    ApiKeyPrefix = prefix, InputTokens = i, OutputTokens = 1,
                });
            }
            return await db.SaveChangesAsync();
        });
    }

    [Fact]
    public async Task List_PagesInAscendingTime_WhileNewEventsArrive_NoneSkippedOrRepeated()
    {
        await SeedAsync("ev-page", "evpageprefix0001", 7);
        var client = factory.Client();

        var seen = new List<string>();
        var url = $"/v1/gateway/events?start_time=2026-05-13T12:00:00Z&end_time=2026-05-13T13:00:00Z&external_entity_id=ev-page&limit=3";
        var pages = 0;
        while (url is not null && pages++ < 10)
        {
            var (status, body) = await client.GetJsonAsync(url);
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(body!["items"]!.AsArray().Select(e => e!["requestId"]!.GetValue<string>()));
            if (pages == 1)
            {
                await SeedAsync("ev-page", "evpageprefix0001", 2, startSecond: 100);
            }
            var cursor = body["pagination"]!["cursor"]?.GetValue<string>();
            url = cursor is null ? null : $"/v1/gateway/events?cursor={Uri.EscapeDataString(cursor)}";
        }

        Assert.Equal(9, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(["req_ev-page_0", "req_ev-page_1", "req_ev-page_2"], seen.Take(3));
    }

    [Fact]
    public async Task List_FiltersAndTimeBounds_StartInclusiveEndExclusive()
    {
        await SeedAsync("ev-filter", "evfilterprefixA1", 3);
        await SeedAsync("ev-filter", "evfilterprefixB1", 2);

        var (_, byPrefix) = await factory.Client().GetJsonAsync("/v1/gateway/events?start_time=2026-05-13T12:00:00Z&api_key_prefix=evfilterprefixB1");
        var (_, bounded) = await factory.Client().GetJsonAsync(
            "/v1/gateway/events?start_time=2026-05-13T12:00:01Z&end_time=2026-05-13T12:00:02Z&external_entity_id=ev-filter");

        Assert.Equal(2, byPrefix!["items"]!.AsArray().Count);
        Assert.Equal(["req_ev-filter_1", "req_ev-filter_1"], bounded!["items"]!.AsArray().Select(e => e!["requestId"]!.GetValue<string>()));
    }

    /// <summary>
    /// SPEC §7 writes the calls as <c>?start_time=&amp;end_time=&amp;cursor=&amp;limit=...</c> and <c>?status=&amp;limit=&amp;cursor=</c>:
    /// a parameter a client sends empty is taken as absent, and the answer is the one without it.
    /// </summary>
    [Theory]
    [InlineData(Day, "&cursor=")]
    [InlineData(Day, "&limit=")]
    [InlineData(Day, "&external_entity_id=")]
    [InlineData(Day, "&api_key_prefix=")]
    [InlineData(Day, "&external_entity_id=&api_key_prefix=&limit=&cursor=")]
    [InlineData("/v1/gateway/events?start_time=2026-05-13T00:00:00Z", "&end_time=")]
    [InlineData("/v1/gateway/webhook/deliveries?", "status=")]
    [InlineData("/v1/gateway/webhook/deliveries?", "limit=")]
    [InlineData("/v1/gateway/webhook/deliveries?", "cursor=")]
    [InlineData("/v1/gateway/webhook/deliveries?", "status=&limit=&cursor=")]
    public async Task List_EmptyParameter_IsTakenAsAbsent(string url, string empty)
    {
        await SeedAsync("ev-empty", "evemptyprefix001", 2);

        var (status, body) = await factory.Client().GetJsonAsync(url + empty);
        var (_, absent) = await factory.Client().GetJsonAsync(url);

        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        Assert.Equal(absent!.ToJsonString(), body!.ToJsonString());
    }

    private const string Day = "/v1/gateway/events?start_time=2026-05-13T00:00:00Z&end_time=2026-05-14T00:00:00Z";

    /// <summary>
    /// An external id of 255 characters outside the BMP (SPEC §3 allows it) is 510 UTF-16 units, each escaped to 6 in
    /// the cursor's JSON: the cursor of its events is longer than that of 255 ASCII characters, and must still be taken.
    /// </summary>
    [Fact]
    public async Task List_ExternalIdOf255CharactersOutsideTheBmp_PagesWithItsCursor()
    {
        var external = string.Concat(Enumerable.Repeat("\U0001F600", 255));
        await SeedAsync(external, "evemojiprefix001", 3, tag: "emoji");

        var seen = new List<string>();
        var url = $"{Day}&external_entity_id={Uri.EscapeDataString(external)}&limit=1";
        for (var pages = 0; url is not null && pages < 10; pages++)
        {
            var (status, body) = await factory.Client().GetJsonAsync(url);
            Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
            seen.AddRange(body!["items"]!.AsArray().Select(e => e!["requestId"]!.GetValue<string>()));
            var cursor = body["pagination"]!["cursor"]?.GetValue<string>();
            url = cursor is null ? null : $"/v1/gateway/events?cursor={Uri.EscapeDataString(cursor)}";
        }

        Assert.Equal(["req_emoji_0", "req_emoji_1", "req_emoji_2"], seen);
    }

    [Theory]
    [InlineData("/v1/gateway/events", "start_time")]
    [InlineData("/v1/gateway/events?start_time=yesterday", "start_time")]
    [InlineData("/v1/gateway/events?start_time=2026-05-13T12:00:00Z&end_time=2026-05-13T11:00:00Z", "end_time")]
    [InlineData("/v1/gateway/events?cursor=bogus", "cursor")]
    [InlineData("/v1/gateway/events?start_time=2026-05-13T12:00:00Z&limit=0", "limit")]
    [InlineData("/v1/gateway/webhook/deliveries?status=LOST", "status")]
    [InlineData("/v1/gateway/events?start_time=%20", "start_time")]
    [InlineData("/v1/gateway/events?start_time=2026-05-13T12:00:00Z&end_time=%20", "end_time")]
    [InlineData("/v1/gateway/events?start_time=2026-05-13T12:00:00Z&limit=%20", "limit")]
    [InlineData("/v1/gateway/events?cursor=%20", "cursor")]
    [InlineData("/v1/gateway/webhook/deliveries?status=%20", "status")]
    public async Task List_BadQuery_Is400NamingTheParameter(string url, string param) =>
        (await factory.Client().GetJsonAsync(url)).AssertError(HttpStatusCode.BadRequest, param);

    private const string Hour = "\"Start\":\"2026-05-13T12:00:00Z\",\"End\":\"2026-05-13T13:00:00Z\"";

    /// <summary>Cursors the API never returned, each well past what the decoding checks.</summary>
    public static TheoryData<string> ForgedCursors => new()
    {
        "e30",
        Cursor("null"),
        Cursor("[1,2]"),
        Cursor("""{"Start":5,"End":true,"LastKey":[]}"""),
        Cursor($$"""{{{Hour}}}"""),
        Cursor($$"""{{{Hour}},"LastTime":"2026-05-13T12:30:00Z","LastKey":""}"""),
        Cursor("""{"Start":"2026-05-13T13:00:00Z","End":"2026-05-13T12:00:00Z","LastTime":"2026-05-13T12:30:00Z","LastKey":"k"}"""),
        Cursor("""{"Start":"2026-05-13T12:00:00","End":"2026-05-13T13:00:00","LastTime":"2026-05-13T12:30:00","LastKey":"k"}"""),
        "not a cursor!",
        new string('A', 100_000),
        Cursor($$"""{{{Hour}},"LastTime":"2026-05-13T12:30:00Z","LastKey":"{{new string('k', 100_000)}}"}"""),
    };

    [Theory]
    [MemberData(nameof(ForgedCursors))]
    public async Task List_ForgedCursor_Is400NamingTheCursor(string cursor) =>
        (await factory.Client().GetJsonAsync($"/v1/gateway/events?cursor={Uri.EscapeDataString(cursor)}"))
            .AssertError(HttpStatusCode.BadRequest, "cursor");

    private static string Cursor(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"url":"ftp://example.com/hook"}""", "url")]
    [InlineData("""{"url":"not a url"}""", "url")]
    [InlineData("""{"url":"http://127.0.0.1:9/hook","enabled":true}""", "secrets")]
    [InlineData("""{"enabled":"yes"}""", "enabled")]
    public async Task PutWebhook_BadInput_Is400NamingTheField(string body, string param)
    {
        await using var host = new GatewayFactory();

        (await host.Client().SendAsync(HttpMethod.Put, "/v1/gateway/webhook", body)).AssertError(HttpStatusCode.BadRequest, param);
        var (_, webhook) = await host.Client().GetJsonAsync("/v1/gateway/webhook");
        Assert.False(webhook!["enabled"]!.GetValue<bool>());
        Assert.Null(webhook["url"]);
    }

    [Fact]
    public async Task ViewKey_ReadsEvents_ButCannotChangeTheWebhook()
    {
        var view = factory.Client(await factory.MintWorkspaceKeyAsync(WorkspaceScope.View));

        Assert.Equal(HttpStatusCode.OK, (await view.GetJsonAsync("/v1/gateway/events?start_time=2026-01-01T00:00:00Z")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await view.PostAsync("/v1/gateway/webhook/secrets", "{}")).Status);
    }

    [Fact]
    public async Task Secrets_AreShownOnce_AndStoredEncrypted()
    {
        var (_, created) = await factory.Client().PostAsync("/v1/gateway/webhook/secrets", "{}");
        var secret = created!["secret"]!.GetValue<string>();

        var (_, webhook) = await factory.Client().GetJsonAsync("/v1/gateway/webhook");
        var stored = await factory.QueryAsync(db => Task.FromResult(db.WebhookSecrets.Select(s => s.ProtectedSecret).ToList()));

        Assert.StartsWith("whsec_", secret);
        Assert.DoesNotContain(secret, webhook!.ToJsonString());
        Assert.DoesNotContain(stored, s => s.Contains(secret));
    }
}
