using System.Net;
using FrontierGateway.Data.Groups;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway;

public abstract class GroupsApiTests(GatewayFactory factory)
{
    public sealed class OnSqlite(GatewayFactory factory) : GroupsApiTests(factory), IClassFixture<GatewayFactory>;

    public sealed class OnPostgres(PostgresGatewayFactory factory) : GroupsApiTests(factory), IClassFixture<PostgresGatewayFactory>;

    private readonly HttpClient sut = factory.Client();

    private static string Daily(long threshold, string slug = "acme/m") =>
        $$"""[{"slug":"{{slug}}","usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":{{threshold}} }]}]""";

    [Fact]
    public async Task Get_CreatedGroup_ReturnsIt_AndListFiltersByExternalId()
    {
        var id = await sut.CreateGroupAsync("get-me");
        await sut.CreateGroupAsync("other-one");

        var (status, body) = await sut.GetJsonAsync($"/v1/gateway/groups/{id}");
        var (_, list) = await sut.GetJsonAsync("/v1/gateway/groups?external_entity_id=get-me");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, body!["id"]!.GetValue<string>());
        Assert.Equal(id, list!["items"]!.AsArray().Single()!["id"]!.GetValue<string>());
        Assert.False(list["pagination"]!["has_more"]!.GetValue<bool>());
    }

    /// <summary>
    /// SPEC §3 writes the list call as <c>?external_entity_id=&amp;limit=&amp;cursor=</c>: a client that sends every
    /// parameter sends the ones it has no value for empty, and gets the unfiltered first page of the default size.
    /// </summary>
    [Theory]
    [InlineData("?cursor=")]
    [InlineData("?limit=")]
    [InlineData("?external_entity_id=")]
    [InlineData("?external_entity_id=&limit=&cursor=")]
    public async Task List_EmptyParameter_IsTakenAsAbsent(string query)
    {
        await sut.CreateGroupAsync($"empty-param-{query.GetHashCode():x}");

        var (status, body) = await sut.GetJsonAsync("/v1/gateway/groups" + query);
        var (_, absent) = await sut.GetJsonAsync("/v1/gateway/groups");

        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        Assert.NotEmpty(body!["items"]!.AsArray());
        Assert.Equal(absent!.ToJsonString(), body.ToJsonString());
    }

    /// <summary>
    /// SPEC §3: external_entity_id is 1 to 255 characters and name at most 255, counted as PostgreSQL's varchar(255)
    /// counts them (code points): characters outside the BMP are one each, not the two UTF-16 units of string.Length.
    /// </summary>
    [Theory]
    [InlineData("\U0001F600", 200)]
    [InlineData("\U0001F600", 255)]
    [InlineData("\U00020000", 255)]
    public async Task Create_ExternalIdAndNameOf255CharactersOutsideTheBmp_AreStoredWhole(string character, int count)
    {
        var text = string.Concat(Enumerable.Repeat(character, count));
        var json = $$"""{"external_entity_id":"{{text}}","name":"{{text}}"}""";

        var (status, body) = await sut.PostAsync("/v1/gateway/groups",
            $$$"""{"metadata":{{{json}}},"models":[{"slug":"acme/m"}],"hierarchy":{"limit_enforcement":"INDEPENDENT"}}""");
        var (_, list) = await sut.GetJsonAsync($"/v1/gateway/groups?external_entity_id={Uri.EscapeDataString(text)}");

        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        var stored = list!["items"]!.AsArray().Single()!["metadata"]!;
        Assert.Equal((text, text), (stored["external_entity_id"]!.GetValue<string>(), stored["name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("metadata.external_entity_id")]
    [InlineData("metadata.name")]
    public async Task Create_256CharactersOutsideTheBmp_IsRefusedNamingTheField(string param)
    {
        var tooLong = string.Concat(Enumerable.Repeat("\U0001F600", 256));
        var (external, name) = param == "metadata.name" ? ("too-long-name", tooLong) : (tooLong, "n");

        var response = await sut.PostAsync("/v1/gateway/groups", $$$"""
            {"metadata":{"external_entity_id":"{{{external}}}","name":"{{{name}}}"},"models":[{"slug":"acme/m"}],
             "hierarchy":{"limit_enforcement":"INDEPENDENT"}}
            """);

        response.AssertError(HttpStatusCode.BadRequest, param);
    }

    [Fact]
    public async Task Patch_IndependentParentRaised_FlowsToChildThatDoesNotOverride()
    {
        var parent = await sut.CreateGroupAsync("ind-parent", models: Daily(100));
        var inheriting = await sut.CreateGroupAsync("ind-inherit", parent: parent, models: """[{"slug":"acme/m"}]""");
        var overriding = await sut.CreateGroupAsync("ind-override", parent: parent, models: Daily(500));

        var (status, _) = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{parent}", $$"""{"models":{{Daily(200)}} }""");

        Assert.Equal(HttpStatusCode.OK, status);
        var (_, a) = await sut.GetJsonAsync($"/v1/gateway/groups/{inheriting}");
        var (_, b) = await sut.GetJsonAsync($"/v1/gateway/groups/{overriding}");
        var inherited = a!["effective_models"]![0]!["usage_limits"]![0]!;
        Assert.Equal((200L, parent), (inherited["threshold"]!.GetValue<long>(), inherited["source_group"]!.GetValue<string>()));
        Assert.Equal(500L, b!["effective_models"]![0]!["usage_limits"]![0]!["threshold"]!.GetValue<long>());
    }

    [Fact]
    public async Task Create_CascadingSiblingsOverProvisioned_AreAllowed_ButNotAboveParent()
    {
        var parent = await sut.CreateGroupAsync("cas-parent", "CASCADING", models: Daily(100_000_000));
        var first = await sut.CreateGroupAsync("cas-a", "CASCADING", parent, Daily(70_000_000));
        await sut.CreateGroupAsync("cas-b", "CASCADING", parent, Daily(70_000_000));

        var tooHigh = await sut.PostAsync("/v1/gateway/groups", $$"""
            {"metadata":{"external_entity_id":"cas-c"},"models":{{Daily(100_000_001)}},
             "hierarchy":{"limit_enforcement":"CASCADING","parent_group_id":"{{parent}}" } }
            """);
        var lowered = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{parent}", $$"""{"models":{{Daily(69_999_999)}} }""");

        tooHigh.AssertError(HttpStatusCode.BadRequest, "models[0].usage_limits[0].threshold");
        Assert.Equal(HierarchyRules.ChildExceedsParent, tooHigh.Body!["error"]!["message"]!.GetValue<string>());
        var conflict = tooHigh.Body!["error"]!["conflicting_limit"]!;
        Assert.Equal((parent, 100_000_000L, "ANCESTOR"), (conflict["group_id"]!.GetValue<string>(),
            conflict["threshold"]!.GetValue<long>(), conflict["relation"]!.GetValue<string>()));
        lowered.AssertError(HttpStatusCode.BadRequest, "models[0].usage_limits[0].threshold");
        var (_, child) = await sut.GetJsonAsync($"/v1/gateway/groups/{first}");
        Assert.Equal([first, parent], child!["effective_models"]![0]!["usage_limits"]!.AsArray()
            .Select(l => l!["source_group"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Create_SixthLevel_IsRefused()
    {
        string? parent = null;
        for (var level = 1; level <= 5; level++)
        {
            parent = await sut.CreateGroupAsync($"depth-{level}", parent: parent);
        }

        var sixth = await sut.PostAsync("/v1/gateway/groups", $$"""
            {"metadata":{"external_entity_id":"depth-6"},"models":[{"slug":"acme/m"}],
             "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":"{{parent}}" } }
            """);

        sixth.AssertError(HttpStatusCode.BadRequest, "hierarchy.parent_group_id");
    }

    [Fact]
    public async Task Create_MixedModesOrUnknownParent_AreRefused()
    {
        var parent = await sut.CreateGroupAsync("mode-parent");

        var mixed = await sut.PostAsync("/v1/gateway/groups", $$"""
            {"metadata":{"external_entity_id":"mode-child"},"models":[{"slug":"acme/m"}],
             "hierarchy":{"limit_enforcement":"CASCADING","parent_group_id":"{{parent}}" } }
            """);
        var unknown = await sut.PostAsync("/v1/gateway/groups", """
            {"metadata":{"external_entity_id":"orphan"},"models":[{"slug":"acme/m"}],
             "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":"grp_nope" } }
            """);

        mixed.AssertError(HttpStatusCode.BadRequest, "hierarchy.limit_enforcement");
        unknown.AssertError(HttpStatusCode.NotFound, "hierarchy.parent_group_id");
    }

    [Fact]
    public async Task Create_RootWithoutLimitEnforcement_DefaultsToIndependent()
    {
        var (status, body) = await sut.PostAsync("/v1/gateway/groups", """
            {"metadata":{"external_entity_id":"omit-root"},"models":[{"slug":"acme/m"}],"hierarchy":{"parent_group_id":null} }
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("INDEPENDENT", body!["hierarchy"]!["limit_enforcement"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("CASCADING")]
    [InlineData("INDEPENDENT")]
    public async Task Create_ChildWithoutLimitEnforcement_TakesParentsMode(string parentMode)
    {
        var parent = await sut.CreateGroupAsync($"omit-parent-{parentMode}", parentMode);

        var (status, body) = await sut.PostAsync("/v1/gateway/groups", $$"""
            {"metadata":{"external_entity_id":"omit-child-{{parentMode}}"},"models":[{"slug":"acme/m"}],
             "hierarchy":{"parent_group_id":"{{parent}}" } }
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(parentMode, body!["hierarchy"]!["limit_enforcement"]!.GetValue<string>());
        var (_, stored) = await sut.GetJsonAsync($"/v1/gateway/groups/{body["id"]!.GetValue<string>()}");
        Assert.Equal(parentMode, stored!["hierarchy"]!["limit_enforcement"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ChildOmittingModeUnderCascadingParent_StillChecksCascadingLimits()
    {
        var parent = await sut.CreateGroupAsync("omit-cas-parent", "CASCADING", models: Daily(100));

        var tooHigh = await sut.PostAsync("/v1/gateway/groups", $$"""
            {"metadata":{"external_entity_id":"omit-cas-child"},"models":{{Daily(101)}},
             "hierarchy":{"limit_enforcement":null,"parent_group_id":"{{parent}}" } }
            """);

        tooHigh.AssertError(HttpStatusCode.BadRequest, "models[0].usage_limits[0].threshold");
    }

    [Fact]
    public async Task Patch_ModelsFullReplacement_RemovesLeftOutSlugs_AndEmptyClears()
    {
        var id = await sut.CreateGroupAsync("replace-me", models: """[{"slug":"acme/a"},{"slug":"acme/b"}]""");

        var (_, replaced) = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{id}", """{"models":[{"slug":"acme/b"}]}""");
        var (_, cleared) = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{id}", """{"metadata":{"name":"n"},"models":[]}""");

        Assert.Equal(["acme/b"], replaced!["models"]!.AsArray().Select(m => m!["slug"]!.GetValue<string>()));
        Assert.Empty(cleared!["models"]!.AsArray());
        Assert.Equal("n", cleared["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_256Models_IsAccepted_257AreRefusedNamingModels_OnCreateAndPatch()
    {
        var id = await sut.CreateGroupAsync("many-models", models: Models(256));

        var created = await sut.PostAsync("/v1/gateway/groups", $$"""
            {"metadata":{"external_entity_id":"too-many-models"},"models":{{Models(257)}},
             "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":null} }
            """);
        var patched = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{id}", $$"""{"models":{{Models(257)}} }""");
        var (_, kept) = await sut.GetJsonAsync($"/v1/gateway/groups/{id}");

        created.AssertError(HttpStatusCode.BadRequest, "models");
        patched.AssertError(HttpStatusCode.BadRequest, "models");
        Assert.Equal(256, kept!["models"]!.AsArray().Count);
    }

    private static string Models(int count) => "[" + string.Join(",", Enumerable.Range(0, count).Select(i =>
        $$"""{"slug":"acme/m{{i}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":10}]}""")) + "]";

    [Theory]
    [InlineData("""{"hierarchy":{"limit_enforcement":"CASCADING"}}""", "hierarchy")]
    [InlineData("""{"metadata":{"external_entity_id":"new"}}""", "metadata.external_entity_id")]
    [InlineData("""{}""", "metadata.name")]
    public async Task Patch_ImmutableOrNothing_IsRefused(string body, string param)
    {
        var id = await sut.CreateGroupAsync($"immutable-{param.GetHashCode():x}");

        (await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{id}", body)).AssertError(HttpStatusCode.BadRequest, param);
    }

    [Fact]
    public async Task Delete_Group_DeletesSubtreeRevokesKeysAndFreesExternalId()
    {
        var root = await sut.CreateGroupAsync("del-root");
        var child = await sut.CreateGroupAsync("del-child", parent: root);
        await sut.PostAsync($"/v1/gateway/groups/{child}/api_keys", "{}");

        var (status, body) = await sut.SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{root}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["id", "metadata", "deleted_at"], body!.AsObject().Select(p => p.Key));
        Assert.Equal(HttpStatusCode.NotFound, (await sut.GetJsonAsync($"/v1/gateway/groups/{child}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await sut.SendAsync(HttpMethod.Delete, $"/v1/gateway/groups/{root}")).Status);
        Assert.Equal(0, await factory.QueryAsync(db => db.CustomerApiKeys.CountAsync(k => k.GroupId == child && k.RevokedAt == null)));
        Assert.NotEqual(root, await sut.CreateGroupAsync("del-root"));
    }

    [Fact]
    public async Task Create_DuplicateExternalId_Is400()
    {
        await sut.CreateGroupAsync("dupe");

        var again = await sut.PostAsync("/v1/gateway/groups", """
            {"metadata":{"external_entity_id":"dupe"},"models":[{"slug":"acme/m"}],"hierarchy":{"limit_enforcement":"INDEPENDENT" } }
            """);

        again.AssertError(HttpStatusCode.BadRequest, "metadata.external_entity_id");
    }

    [Fact]
    public async Task Writes_AreAudited_WithTheActingKey()
    {
        var id = await sut.CreateGroupAsync("audited");
        await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/groups/{id}", """{"metadata":{"name":"renamed"}}""");

        var entries = await factory.QueryAsync(db => db.AuditEntries.Where(a => a.TargetId == id).OrderBy(a => a.Id).ToListAsync());

        Assert.Equal(["group.create", "group.update"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("api_key:" + GatewayFactory.ManageKey[..16], e.Actor));
        Assert.Contains("renamed", entries[1].After);
        Assert.DoesNotContain("renamed", entries[1].Before);
    }
}
