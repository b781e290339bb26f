using System.Net;
using FrontierGateway.Data.Endpoints;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway;

public abstract class EndpointsApiTests(GatewayFactory factory)
{
    public sealed class OnSqlite(GatewayFactory factory) : EndpointsApiTests(factory), IClassFixture<GatewayFactory>;

    public sealed class OnPostgres(PostgresGatewayFactory factory) : EndpointsApiTests(factory), IClassFixture<PostgresGatewayFactory>;

    private readonly HttpClient sut = factory.Client();

    [Fact]
    public async Task Create_WithSecret_StoresItEncrypted_AndNeverReturnsIt()
    {
        const string secret = "sk-upstream-very-secret-123";

        var (status, body) = await sut.PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"acme/secret","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:9/v1",
              "target_model":"llama","secret":"{{secret}}"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(secret, body!.ToJsonString());
        Assert.True(body["targets"]![0]!["has_secret"]!.GetValue<bool>());
        var target = await factory.QueryAsync(db => db.EndpointTargets.SingleAsync(t => t.EndpointId == body["id"]!.GetValue<string>()));
        Assert.DoesNotContain(secret, target.ProtectedSecret);
        Assert.Equal(secret, factory.Services.GetRequiredService<EndpointService>().Unprotect(target));
        var audit = await factory.QueryAsync(db => db.AuditEntries.Select(a => a.After ?? "").ToListAsync());
        Assert.DoesNotContain(audit, a => a.Contains(secret));
    }

    [Fact]
    public async Task Crud_Lifecycle()
    {
        var (_, created) = await sut.PostAsync("/v1/gateway/endpoints", """{"slug":"acme/crud","targets":[{"provider":"SIMULATED"}]}""");
        var id = created!["id"]!.GetValue<string>();

        var (_, patched) = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/endpoints/{id}", """
            {"targets":[{"provider":"BASETEN","model_id":"abc123"},{"provider":"OPENAI","target_model":"gpt-4o-mini"}]}
            """);
        var (_, got) = await sut.GetJsonAsync($"/v1/gateway/endpoints/{id}");
        var (deleteStatus, _) = await sut.SendAsync(HttpMethod.Delete, $"/v1/gateway/endpoints/{id}");

        Assert.Equal(["id", "slug", "targets", "created_at", "updated_at"], created.AsObject().Select(p => p.Key));
        Assert.Equal("https://model-abc123.api.baseten.co/environments/production/sync/v1",
            patched!["targets"]![0]!["base_url"]!.GetValue<string>());
        Assert.Equal("https://api.openai.com/v1", got!["targets"]![1]!["base_url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.Equal(HttpStatusCode.NotFound, (await sut.GetJsonAsync($"/v1/gateway/endpoints/{id}")).Status);
    }

    [Theory]
    [InlineData("""{"slug":"acme/x","targets":[]}""", "targets")]
    [InlineData("""{"slug":"acme/x"}""", "targets")]
    [InlineData("""{"slug":"nope","targets":[{"provider":"SIMULATED"}]}""", "slug")]
    [InlineData("""{"slug":"acme/x\n","targets":[{"provider":"SIMULATED"}]}""", "slug")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"AZURE"}]}""", "targets[0].provider")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"OPENAI_COMPATIBLE"}]}""", "targets[0].base_url")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"ftp://h/v1"}]}""", "targets[0].base_url")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"BASETEN"}]}""", "targets[0].model_id")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"BASETEN","model_id":"x@evil.example/"}]}""", "targets[0].model_id")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"BASETEN","model_id":"abc123","environment_name":"p/../../x?"}]}""", "targets[0].environment_name")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"SIMULATED","secret":5}]}""", "targets[0].secret")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"SIMULATED"},{"provider":"SIMULATED","weight":0}]}""", "targets[1].weight")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"SIMULATED","weight":1001}]}""", "targets[0].weight")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"SIMULATED","weight":"heavy"}]}""", "targets[0].weight")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"SIMULATED","priority":-1}]}""", "targets[0].priority")]
    [InlineData("""{"slug":"acme/x","targets":[{"provider":"SIMULATED","priority":1.5}]}""", "targets[0].priority")]
    public async Task Create_BadBody_Is400NamingTheField(string body, string param)
    {
        var before = await factory.QueryAsync(db => db.Endpoints.CountAsync());

        (await sut.PostAsync("/v1/gateway/endpoints", body)).AssertError(HttpStatusCode.BadRequest, param);
        Assert.Equal(before, await factory.QueryAsync(db => db.Endpoints.CountAsync()));
    }

    [Fact]
    public async Task Create_WeightAndPriority_AreStoredAndReturned_DefaultsWhenLeftOut()
    {
        var (_, created) = await sut.PostAsync("/v1/gateway/endpoints", """
            {"slug":"acme/weighted","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:9/v1","weight":3,"priority":2},
                                               {"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:10/v1"}]}
            """);
        var (_, got) = await sut.GetJsonAsync($"/v1/gateway/endpoints/{created!["id"]!.GetValue<string>()}");

        var targets = got!["targets"]!.AsArray();
        Assert.Equal((3, 2), (targets[0]!["weight"]!.GetValue<int>(), targets[0]!["priority"]!.GetValue<int>()));
        Assert.Equal((1, 0), (targets[1]!["weight"]!.GetValue<int>(), targets[1]!["priority"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Create_DuplicateSlug_Is400()
    {
        await sut.PostAsync("/v1/gateway/endpoints", """{"slug":"acme/dupe","targets":[{"provider":"SIMULATED"}]}""");

        (await sut.PostAsync("/v1/gateway/endpoints", """{"slug":"acme/dupe","targets":[{"provider":"SIMULATED"}]}"""))
            .AssertError(HttpStatusCode.BadRequest, "slug");
    }

    [Theory]
    [InlineData("?limit=")]
    [InlineData("?cursor=")]
    [InlineData("?limit=&cursor=")]
    public async Task List_EmptyParameter_IsTakenAsAbsent(string query)
    {
        var (status, body) = await sut.GetJsonAsync("/v1/gateway/endpoints" + query);
        var (_, absent) = await sut.GetJsonAsync("/v1/gateway/endpoints");

        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        Assert.NotEmpty(body!["items"]!.AsArray());
        Assert.Equal(absent!.ToJsonString(), body.ToJsonString());
    }

    [Fact]
    public async Task Development_SeedsTheQuickStartEndpoint()
    {
        var (_, list) = await sut.GetJsonAsync("/v1/gateway/endpoints?limit=1000");

        var seeded = list!["items"]!.AsArray().Single(e => e!["slug"]!.GetValue<string>() == "your-org/your-model");
        Assert.Equal("SIMULATED", seeded!["targets"]![0]!["provider"]!.GetValue<string>());
    }
}
