using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Wire;

/// <summary>How both APIs take a key: <c>Authorization: Api-Key &lt;key&gt;</c>, or <c>Bearer &lt;key&gt;</c> as OpenAI SDKs send it.</summary>
public static class ApiKeyHeader
{
    /// <summary>The key presented, or null when the header is missing, empty or of another scheme.</summary>
    public static string? Read(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        foreach (var scheme in (ReadOnlySpan<string>)["Api-Key ", "Bearer "])
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                var key = header[scheme.Length..].Trim();
                return key.Length > 0 ? key : null;
            }
        }
        return null;
    }
}
