using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Wire;

/// <summary>
/// Errors of the inference API, in OpenAI's shape, so that the OpenAI SDKs raise their own error types; each names the
/// call's request id (<c>request_id</c>, beside OpenAI's four fields), as its <c>x-request-id</c> header does.
/// </summary>
internal static class OpenAIError
{
    public static Task WriteAsync(HttpContext context, int status, string message, string type, string? code,
        string? param = null, JsonObject? extra = null)
    {
        var error = new JsonObject
        {
            ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code, ["request_id"] = context.TraceIdentifier,
        };
        if (extra is not null)
        {
            foreach (var (name, value) in extra.ToList())
            {
                extra.Remove(name);
                error[name] = value;
            }
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["error"] = error }.ToJsonString(ApiJson.Options));
    }

    public static Task InvalidKeyAsync(HttpContext context) => WriteAsync(context, 401,
        "Incorrect or revoked API key provided. Send it as Authorization: Bearer <key>.", "invalid_request_error",
        "invalid_api_key");

    /// <summary>The host is starting and could not read the presented key from its database (a 503 to retry).</summary>
    public static Task StartingAsync(HttpContext context) => WriteAsync(context, 503,
        "The gateway is starting and could not read this API key from its database; retry shortly.", "server_error",
        "gateway_starting");

    public static Task BadRequestAsync(HttpContext context, BodyError error) =>
        WriteAsync(context, 400, error.Message, "invalid_request_error", error.Code, error.Param);

    public static Task ModelNotFoundAsync(HttpContext context, string model) => WriteAsync(context, 404,
        $"The model `{model}` does not exist or you do not have access to it.", "invalid_request_error",
        "model_not_found", "model");
}
