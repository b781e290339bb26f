using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

internal static class InferenceHelpers
{
    public const string SimulatedSlug = "your-org/your-model";

    /// <summary>Creates a group with the given models JSON and mints a key; returns (group id, key).</summary>
    public static async Task<(string Group, string Key)> CustomerAsync(this GatewayFactory factory, string external,
        string models = $$"""[{"slug":"{{SimulatedSlug}}"}]""", string mode = "INDEPENDENT", string? parent = null)
    {
        var client = factory.Client();
        var group = await client.CreateGroupAsync(external, mode, parent, models);
        var (_, key) = await client.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}");
        return (group, key!["api_key"]!.GetValue<string>());
    }

    public static HttpClient Caller(this GatewayFactory factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static Task<HttpResponseMessage> ChatAsync(this HttpClient client, string model = SimulatedSlug,
        string extra = "") => client.PostAsync("/v1/chat/completions", new StringContent(
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Say hello."}],"max_tokens":8{{extra}}}""",
        Encoding.UTF8, "application/json"));

    /// <summary>Waits for the write-behind to store the events of a group.</summary>
    public static async Task<List<UsageEvent>> EventsAsync(this GatewayFactory factory, string group, int atLeast)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var events = await factory.QueryAsync(db => db.UsageEvents.Where(e => e.GroupId == group)
                .OrderBy(e => e.IdempotencyKey).ToListAsync());
            if (events.Count >= atLeast)
            {
                return events;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"fewer than {atLeast} usage events for {group}");
    }

    public static async Task<int> StatusAsync(this Task<HttpResponseMessage> response)
    {
        using var r = await response;
        return (int)r.StatusCode;
    }

    public static bool IsOk(this HttpResponseMessage response) => response.StatusCode == HttpStatusCode.OK;

    /// <summary>
    /// Asserts an error in OpenAI's shape: the status, <c>error.type</c> and <c>error.param</c>, a message, the
    /// request id header, and no stack trace; answers <c>error</c>.
    /// </summary>
    public static async Task<JsonNode> AssertOpenAIErrorAsync(this HttpResponseMessage response, HttpStatusCode status,
        string? param, string type = "invalid_request_error")
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.DoesNotMatch(@"\bat [\w.`<>]+\(|Exception", text);
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal((type, param), ((string?)error["type"], (string?)error["param"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        Assert.StartsWith("req_", Assert.Single(response.Headers.GetValues("x-request-id")));
        return error;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
}
