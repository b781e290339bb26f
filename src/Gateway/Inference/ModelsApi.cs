using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary><c>GET /v1/models</c>: the caller's effective slugs, in OpenAI's list shape.</summary>
internal static class ModelsApi
{
    public static async Task ListModels(HttpContext context, SnapshotStore snapshots, TimeProvider time)
    {
        var snapshot = snapshots.Current;
        if (!InferenceAuth.TryAuthenticate(context.Request, snapshot, time.GetUtcNow().UtcDateTime, out _, out var group))
        {
            await OpenAIError.InvalidKeyAsync(context);
            return;
        }
        var data = new JsonArray();
        foreach (var slug in group.SlugOrder)
        {
            data.Add(new JsonObject
            {
                ["id"] = slug,
                ["object"] = "model",
                ["created"] = 0,
                ["owned_by"] = slug.Split('/')[0],
            });
        }
        await context.Response.WriteAsJsonAsync(new JsonObject { ["object"] = "list", ["data"] = data });
    }
}
