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
        var snapshot = snapshots.Current;
        if (!InferenceAuth.TryAuthenticate(context.Request, snapshot, time.GetUtcNow().UtcDateTime, out var key, out var group)
            || await counters.IsRevokedAsync(group, key.Prefix, context.RequestAborted))
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
