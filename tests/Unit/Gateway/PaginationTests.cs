using System.Net;

namespace FrontierGateway.Tests.Unit.Gateway;

public abstract class PaginationTests(GatewayFactory factory)
{
    public sealed class OnSqlite(GatewayFactory factory) : PaginationTests(factory), IClassFixture<GatewayFactory>;

    public sealed class OnPostgres(PostgresGatewayFactory factory) : PaginationTests(factory), IClassFixture<PostgresGatewayFactory>;

    [Fact]
    public async Task ListGroups_InsertsBetweenPages_NoItemSkippedOrRepeated()
    {
        var sut = factory.Client();
        var original = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            original.Add(await sut.CreateGroupAsync($"page-{i}"));
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = "/v1/gateway/groups?limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var (status, body) = await sut.GetJsonAsync(url);
            Assert.Equal(HttpStatusCode.OK, status);
            var items = body!["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 3);
            seen.AddRange(items.Select(i => i!["id"]!.GetValue<string>()));
            cursor = body["pagination"]!["cursor"]?.GetValue<string>();
            Assert.Equal(cursor is not null, body["pagination"]!["has_more"]!.GetValue<bool>());
            await sut.CreateGroupAsync($"page-inserted-{pages++}");
        }
        while (cursor is not null && pages < 20);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(original.Except(seen));
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task ListKeys_LimitOne_WalksEveryKeyOnce()
    {
        var sut = factory.Client();
        var group = await sut.CreateGroupAsync("page-keys");
        var minted = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            minted.Add((await sut.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}")).Body!["prefix"]!.GetValue<string>());
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var (_, body) = await sut.GetJsonAsync($"/v1/gateway/groups/{group}/api_keys?limit=1"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(body!["items"]!.AsArray().Select(i => i!["prefix"]!.GetValue<string>()));
            cursor = body["pagination"]!["cursor"]?.GetValue<string>();
        }
        while (cursor is not null && seen.Count < 10);

        Assert.Equal(minted.Order(), seen.Order());
    }
}
