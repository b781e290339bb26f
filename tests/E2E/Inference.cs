using System.Net.Http.Headers;
using System.Text;

namespace FrontierGateway.Tests.E2E;

/// <summary>Calls the inference API from a test, as a customer's program would.</summary>
internal static class Inference
{
    public static async Task<int> ChatStatusAsync(Uri baseAddress, string apiKey, string model)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""", Encoding.UTF8, "application/json"));
        return (int)response.StatusCode;
    }
}
