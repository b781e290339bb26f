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

    public static async Task<Ok<GroupView>> CreateGroup(HttpContext context, GroupService groups) =>
        TypedResults.Ok(await groups.CreateAsync(await JsonBody.ReadAsync<GroupCreateInput>(context.Request),
            ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<ListView<GroupView>>> ListGroups(GroupService groups, HttpContext context,
        [FromQuery(Name = "external_entity_id")] string? externalEntityId, string? limit, string? cursor) =>
        TypedResults.Ok(ListView<GroupView>.Of(await groups.ListAsync(externalEntityId,
            PageRequest.Parse(limit, cursor), context.RequestAborted)));

    public static async Task<Ok<GroupView>> GetGroup(string id, GroupService groups, HttpContext context) =>
        TypedResults.Ok(await groups.GetAsync(id, context.RequestAborted));

    public static async Task<Ok<GroupView>> PatchGroup(string id, HttpContext context, GroupService groups) =>
        TypedResults.Ok(await groups.PatchAsync(id, await JsonBody.ReadAsync<GroupPatchInput>(context.Request),
            ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<DeletedGroupView>> DeleteGroup(string id, HttpContext context, GroupService groups) =>
        TypedResults.Ok(await groups.DeleteAsync(id, ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<GroupUsageView>> GetUsage(string id, GroupUsageService usage, HttpContext context) =>
        TypedResults.Ok(await usage.GetAsync(id, context.RequestAborted));
}
