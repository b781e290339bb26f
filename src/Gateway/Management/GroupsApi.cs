using System.Security.Claims;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Paging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FrontierGateway.Gateway.Management;

/// <summary><c>/v1/gateway/groups</c>: the hierarchy of customers and their model limits.</summary>
public static class GroupsApi
{
    public static RouteGroupBuilder MapGroupsApi(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups");
        groups.MapPost("/", CreateGroup);
        groups.MapGet("/", ListGroups);
        groups.MapGet("/{id}", GetGroup);
        groups.MapPatch("/{id}", PatchGroup);
        groups.MapDelete("/{id}", DeleteGroup);
        groups.MapGet("/{id}/usage", GetUsage);
        return api;
    }

    /// <summary>404 names a missing parent group.</summary>
    public static Task<Results<Ok<GroupView>, BadRequest<ErrorBody>, NotFound<ErrorBody>>> CreateGroup(
        HttpRequest request, ClaimsPrincipal user, GroupService groups, CancellationToken ct) =>
        ApiResults.OkOrRefused(async () =>
            await groups.CreateAsync(await JsonBody.ReadAsync<GroupCreateInput>(request), user.Actor(), ct));

    public static Task<Results<Ok<ListView<GroupView>>, BadRequest<ErrorBody>>> ListGroups(GroupService groups,
        [FromQuery(Name = "external_entity_id")] string? externalEntityId, string? limit, string? cursor,
        CancellationToken ct) =>
        ApiResults.OkOrBadRequest(async () =>
            ListView<GroupView>.Of(await groups.ListAsync(externalEntityId, PageRequest.Parse(limit, cursor), ct)));

    public static Task<Results<Ok<GroupView>, NotFound<ErrorBody>>> GetGroup(string id, GroupService groups,
        CancellationToken ct) =>
        ApiResults.OkOrNotFound(() => groups.GetAsync(id, ct));

    public static Task<Results<Ok<GroupView>, BadRequest<ErrorBody>, NotFound<ErrorBody>>> PatchGroup(string id,
        HttpRequest request, ClaimsPrincipal user, GroupService groups, CancellationToken ct) =>
        ApiResults.OkOrRefused(async () =>
            await groups.PatchAsync(id, await JsonBody.ReadAsync<GroupPatchInput>(request), user.Actor(), ct));

    public static Task<Results<Ok<DeletedGroupView>, NotFound<ErrorBody>>> DeleteGroup(string id, ClaimsPrincipal user,
        GroupService groups, CancellationToken ct) =>
        ApiResults.OkOrNotFound(() => groups.DeleteAsync(id, user.Actor(), ct));

    public static Task<Results<Ok<GroupUsageView>, NotFound<ErrorBody>>> GetUsage(string id, GroupUsageService usage,
        CancellationToken ct) =>
        ApiResults.OkOrNotFound(() => usage.GetAsync(id, ct));
}
