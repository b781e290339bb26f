using System.Security.Claims;
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

    public static Task<Results<Ok<MintedKeyView>, BadRequest<ErrorBody>, NotFound<ErrorBody>>> MintKey(string groupId,
        HttpRequest request, ClaimsPrincipal user, KeyService keys, CancellationToken ct) =>
        ApiResults.OkOrRefused(async () => await keys.MintAsync(groupId,
            await JsonBody.ReadAsync(request, () => new KeyCreateInput(null, null)), user.Actor(), ct));

    public static Task<Results<Ok<ListView<KeyView>>, BadRequest<ErrorBody>, NotFound<ErrorBody>>> ListKeys(
        string groupId, KeyService keys, string? limit, string? cursor, CancellationToken ct) =>
        ApiResults.OkOrRefused(async () =>
            ListView<KeyView>.Of(await keys.ListAsync(groupId, PageRequest.Parse(limit, cursor), ct)));

    public static Task<Results<Ok<KeyView>, NotFound<ErrorBody>>> GetKey(string groupId, string prefix, KeyService keys,
        CancellationToken ct) =>
        ApiResults.OkOrNotFound(() => keys.GetAsync(groupId, prefix, ct));

    public static Task<Results<Ok<RevokedKeyView>, NotFound<ErrorBody>>> RevokeKey(string groupId, string prefix,
        ClaimsPrincipal user, KeyService keys, CancellationToken ct) =>
        ApiResults.OkOrNotFound(() => keys.RevokeAsync(groupId, prefix, user.Actor(), ct));
}
