using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace FrontierGateway.Tests.Unit;

/// <summary>Small helpers for calling the API with raw JSON and reading raw JSON back.</summary>
internal static class Api
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(this HttpClient client, HttpMethod method,
        string url, string? json = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(this HttpClient client, string url, string json) =>
        client.SendAsync(HttpMethod.Post, url, json);

    public static Task<(HttpStatusCode Status, JsonNode? Body)> GetJsonAsync(this HttpClient client, string url) =>
        client.SendAsync(HttpMethod.Get, url);

    /// <summary>Creates a group and returns its id, failing the test if the API refuses.</summary>
    public static async Task<string> CreateGroupAsync(this HttpClient client, string external, string mode = "INDEPENDENT",
        string? parent = null, string models = """[{"slug":"acme/m","rate_limits":[],"usage_limits":[]}]""")
    {
        var parentJson = parent is null ? "null" : $"\"{parent}\"";
        var (status, body) = await client.PostAsync("/v1/gateway/groups", $$$"""
            {"metadata":{"external_entity_id":"{{{external}}}"},"models":{{{models}}},
             "hierarchy":{"limit_enforcement":"{{{mode}}}","parent_group_id":{{{parentJson}}}}}
            """);
        Assert.True(status == HttpStatusCode.OK, $"create {external}: {status} {body}");
        return body!["id"]!.GetValue<string>();
    }

    public static void AssertError(this (HttpStatusCode Status, JsonNode? Body) response, HttpStatusCode status,
        string? param)
    {
        Assert.Equal(status, response.Status);
        var error = response.Body?["error"];
        Assert.NotNull(error);
        Assert.False(string.IsNullOrWhiteSpace(error["message"]?.GetValue<string>()));
        Assert.NotNull(error["type"]);
        Assert.Equal(param, error["param"]?.GetValue<string>());
    }

    public static JsonContent Json(object value) => JsonContent.Create(value);
}
