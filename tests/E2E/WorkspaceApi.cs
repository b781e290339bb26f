using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.E2E;

/// <summary>
/// Sets a journey's stage through the management and inference APIs, as an operator's program and a customer would,
/// with the development seeds: the bootstrap workspace key and the SIMULATED endpoint.
/// </summary>
internal sealed class WorkspaceApi(SeededPortalServer server) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    private readonly ManagementOptions seeds = server.Services.GetRequiredService<IOptions<ManagementOptions>>().Value;

    public string Slug => seeds.SeedEndpoint!;

    /// <summary>A root group on the seeded slug with a daily REQUEST limit when given; answers its id.</summary>
    public async Task<string> CreateGroupAsync(string name, long? dailyRequests = null)
    {
        var model = new JsonObject { ["slug"] = Slug };
        if (dailyRequests is { } threshold)
        {
            model["usage_limits"] = new JsonArray(new JsonObject { ["type"] = "REQUEST", ["unit"] = "DAY", ["threshold"] = threshold });
        }
        var group = await PostAsync(Workspace, "v1/gateway/groups", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["external_entity_id"] = "ext_" + Guid.NewGuid().ToString("N") },
            ["models"] = new JsonArray(model),
            ["hierarchy"] = new JsonObject { ["parent_group_id"] = null },
        });
        return group["id"]!.GetValue<string>();
    }

    public async Task<string> MintKeyAsync(string group) =>
        (await PostAsync(Workspace, $"v1/gateway/groups/{group}/api_keys", new JsonObject { ["name"] = "journey" }))["api_key"]!
            .GetValue<string>();

    /// <summary>One chat call; answers its status and, when it succeeded, the usage it reported.</summary>
    public async Task<(int Status, long Prompt, long Completion)> ChatAsync(string key, string content = "Hello")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["model"] = Slug,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
                ["max_tokens"] = 16,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        var status = (int)response.StatusCode;
        if (status != 200)
        {
            return (status, 0, 0);
        }
        var usage = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["usage"]!;
        return (status, usage["prompt_tokens"]!.GetValue<long>(), usage["completion_tokens"]!.GetValue<long>());
    }

    private AuthenticationHeaderValue Workspace => new("Api-Key", seeds.BootstrapApiKey);

    private async Task<JsonNode> PostAsync(AuthenticationHeaderValue auth, string url, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = auth;
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public void Dispose() => http.Dispose();
}
