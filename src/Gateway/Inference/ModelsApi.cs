using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// <c>GET /v1/models</c>: the caller's effective slugs, in OpenAI's list shape. A key the shared store knows to be
/// revoked (through another host, before this host's snapshot heard of it) gets the 401 of an unknown key, as its
/// inference calls do.
/// </summary>
internal static class ModelsApi
{
    public static async Task ListModels(HttpContext context, SnapshotStore snapshots, ICounterStore counters, TimeProvider time)
    {
        var (_, key, group, unavailable) = await InferenceAuth.AuthenticateAsync(context.Request, snapshots,
            time.GetUtcNow().UtcDateTime, context.RequestAborted);
        if (unavailable)
        {
            await OpenAIError.StartingAsync(context);
            return;
        }
        if (key is null || group is null || await counters.IsRevokedAsync(group, key.Prefix, context.RequestAborted))
        {
            await OpenAIError.InvalidKeyAsync(context);
            return;
        }
        var data = new JsonArray();
        foreach (var slug in group.Slugs.Select(s => s.Slug))
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
