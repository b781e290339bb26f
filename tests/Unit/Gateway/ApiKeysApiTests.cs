using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway;

public abstract class ApiKeysApiTests(GatewayFactory factory)
{
    public sealed class OnSqlite(GatewayFactory factory) : ApiKeysApiTests(factory), IClassFixture<GatewayFactory>;

    public sealed class OnPostgres(PostgresGatewayFactory factory) : ApiKeysApiTests(factory), IClassFixture<PostgresGatewayFactory>;

    private readonly HttpClient sut = factory.Client();

    [Fact]
    public async Task Mint_StoresOnlyAHashOfTheSecret()
    {
        var group = await sut.CreateGroupAsync("keys-hash");

        var (_, body) = await sut.PostAsync($"/v1/gateway/groups/{group}/api_keys", """{"name":"k"}""");

        var apiKey = body!["api_key"]!.GetValue<string>();
        var secret = apiKey[17..];
        var stored = await factory.QueryAsync(db => db.CustomerApiKeys.SingleAsync(k => k.GroupId == group));
        Assert.Equal(32, stored.SecretHash.Length);
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(stored.SecretHash));
        Assert.DoesNotContain(secret, await factory.QueryAsync(db => db.AuditEntries.Select(a => a.After ?? "").ToListAsync())
            .ContinueWith(t => string.Join("", t.Result)));
    }

    [Fact]
    public async Task GetListRevoke_Lifecycle_RevokedKeyIs404()
    {
        var group = await sut.CreateGroupAsync("keys-life");
        var expires = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var (_, minted) = await sut.PostAsync($"/v1/gateway/groups/{group}/api_keys", $$"""{"name":"a","expires_at":"{{expires}}"}""");
        var prefix = minted!["prefix"]!.GetValue<string>();

        var (getStatus, key) = await sut.GetJsonAsync($"/v1/gateway/groups/{group}/api_keys/{prefix}");
        var (revokeStatus, revoked) = await sut.SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}/api_keys/{prefix}");

        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal(("a", prefix), (key!["name"]!.GetValue<string>(), key["prefix"]!.GetValue<string>()));
        Assert.Equal(DateTime.Parse(expires).ToUniversalTime(), DateTime.Parse(key["expires_at"]!.GetValue<string>()).ToUniversalTime());
        Assert.Null(key["last_used_at"]);
        Assert.NotNull(key["created_at"]);
        Assert.Equal(HttpStatusCode.OK, revokeStatus);
        Assert.Equal(prefix, revoked!["prefix"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await sut.GetJsonAsync($"/v1/gateway/groups/{group}/api_keys/{prefix}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await sut.SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{group}/api_keys/{prefix}")).Status);
        Assert.Empty((await sut.GetJsonAsync($"/v1/gateway/groups/{group}/api_keys")).Body!["items"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"expires_at":"2001-01-01T00:00:00Z"}""", "expires_at")]
    [InlineData("""{"expires_at":"tomorrow"}""", "expires_at")]
    [InlineData("""{"expires_at":"2099-01-01T00:00:00"}""", "expires_at")]
    [InlineData("""{"expires_at":"2099-01-01"}""", "expires_at")]
    [InlineData("""{"name":7}""", "name")]
    public async Task Mint_BadBody_Is400NamingTheField(string body, string param)
    {
        var group = await sut.CreateGroupAsync($"keys-bad-{param}-{body.Length}");

        (await sut.PostAsync($"/v1/gateway/groups/{group}/api_keys", body)).AssertError(HttpStatusCode.BadRequest, param);
        Assert.Equal(0, await factory.QueryAsync(db => db.CustomerApiKeys.CountAsync(k => k.GroupId == group)));
    }

    /// <summary>A key's name is at most 255 characters as PostgreSQL's varchar(255) counts them: code points, an emoji one.</summary>
    [Fact]
    public async Task Mint_NameOf255CharactersOutsideTheBmp_IsStoredWhole_256AreRefusedNamingName()
    {
        var group = await sut.CreateGroupAsync("keys-emoji-name");
        var name = string.Concat(Enumerable.Repeat("\U0001F600", 255));

        var (status, minted) = await sut.PostAsync($"/v1/gateway/groups/{group}/api_keys", $$"""{"name":"{{name}}"}""");
        var tooLong = await sut.PostAsync($"/v1/gateway/groups/{group}/api_keys", $$"""{"name":"{{name}}\U0001F600"}""");

        Assert.True(status == HttpStatusCode.OK, $"{status} {minted}");
        var (_, key) = await sut.GetJsonAsync($"/v1/gateway/groups/{group}/api_keys/{minted!["prefix"]!.GetValue<string>()}");
        Assert.Equal(name, key!["name"]!.GetValue<string>());
        tooLong.AssertError(HttpStatusCode.BadRequest, "name");
    }

    [Theory]
    [InlineData("?limit=")]
    [InlineData("?cursor=")]
    [InlineData("?limit=&cursor=")]
    public async Task List_EmptyParameter_IsTakenAsAbsent(string query)
    {
        var group = await sut.CreateGroupAsync($"keys-empty-param-{query.GetHashCode():x}");
        await sut.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}");

        var (status, body) = await sut.GetJsonAsync($"/v1/gateway/groups/{group}/api_keys{query}");

        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        Assert.Single(body!["items"]!.AsArray());
    }

    [Fact]
    public async Task Mint_ExpiresAtWithOffset_IsThatInstant()
    {
        var group = await sut.CreateGroupAsync("keys-offset");

        var (_, minted) = await sut.PostAsync($"/v1/gateway/groups/{group}/api_keys", """{"expires_at":"2099-01-01T00:00:00+05:30"}""");

        Assert.Equal("2098-12-31T18:30:00Z", minted!["expires_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mint_UnknownGroupOrOtherGroupsPrefix_Is404()
    {
        var a = await sut.CreateGroupAsync("keys-a");
        var b = await sut.CreateGroupAsync("keys-b");
        var prefix = (await sut.PostAsync($"/v1/gateway/groups/{a}/api_keys", "{}")).Body!["prefix"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NotFound, (await sut.PostAsync("/v1/gateway/groups/grp_nope/api_keys", "{}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await sut.GetJsonAsync($"/v1/gateway/groups/{b}/api_keys/{prefix}")).Status);
    }
}
