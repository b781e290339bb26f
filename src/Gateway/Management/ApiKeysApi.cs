using FrontierGateway.Data.Keys;
using FrontierGateway.Data.Paging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FrontierGateway.Gateway.Management;

/// <summary><c>/v1/gateway/groups/{id}/api_keys</c>: customer keys, shown once at minting.</summary>
public static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/groups/{groupId}/api_keys");
        keys.MapPost("/", MintKey);
        keys.MapGet("/", ListKeys);
        keys.MapGet("/{prefix}", GetKey);
        keys.MapDelete("/{prefix}", RevokeKey);
        return api;
    }

    public static async Task<Ok<MintedKeyView>> MintKey(string groupId, HttpContext context, KeyService keys) =>
        TypedResults.Ok(await keys.MintAsync(groupId,
            await JsonBody.ReadAsync(context.Request, () => new KeyCreateInput(null, null)),
            ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<ListView<KeyView>>> ListKeys(string groupId, KeyService keys, HttpContext context,
        string? limit, string? cursor) =>
        TypedResults.Ok(ListView<KeyView>.Of(await keys.ListAsync(groupId, PageRequest.Parse(limit, cursor),
            context.RequestAborted)));

    public static async Task<Ok<KeyView>> GetKey(string groupId, string prefix, KeyService keys, HttpContext context) =>
        TypedResults.Ok(await keys.GetAsync(groupId, prefix, context.RequestAborted));

    public static async Task<Ok<RevokedKeyView>> RevokeKey(string groupId, string prefix, KeyService keys,
        HttpContext context) =>
        TypedResults.Ok(await keys.RevokeAsync(groupId, prefix, ManagementFilter.Actor(context), context.RequestAborted));
}
