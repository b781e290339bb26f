using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Paging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FrontierGateway.Gateway.Management;

/// <summary><c>/v1/gateway/endpoints</c>: where each slug goes.</summary>
public static class EndpointsApi
{
    public static RouteGroupBuilder MapEndpointsApi(this RouteGroupBuilder api)
    {
        var endpoints = api.MapGroup("/endpoints");
        endpoints.MapPost("/", CreateEndpoint);
        endpoints.MapGet("/", ListEndpoints);
        endpoints.MapGet("/{id}", GetEndpoint);
        endpoints.MapPatch("/{id}", PatchEndpoint);
        endpoints.MapDelete("/{id}", DeleteEndpoint);
        return api;
    }

    public static async Task<Ok<EndpointView>> CreateEndpoint(HttpContext context, EndpointService endpoints) =>
        TypedResults.Ok(await endpoints.CreateAsync(await JsonBody.ReadAsync<EndpointInput>(context.Request),
            ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<ListView<EndpointView>>> ListEndpoints(EndpointService endpoints, HttpContext context,
        string? limit, string? cursor) =>
        TypedResults.Ok(ListView<EndpointView>.Of(await endpoints.ListAsync(PageRequest.Parse(limit, cursor),
            context.RequestAborted)));

    public static async Task<Ok<EndpointView>> GetEndpoint(string id, EndpointService endpoints, HttpContext context) =>
        TypedResults.Ok(await endpoints.GetAsync(id, context.RequestAborted));

    public static async Task<Ok<EndpointView>> PatchEndpoint(string id, HttpContext context, EndpointService endpoints) =>
        TypedResults.Ok(await endpoints.PatchAsync(id, await JsonBody.ReadAsync<EndpointInput>(context.Request),
            ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<DeletedEndpointView>> DeleteEndpoint(string id, HttpContext context,
        EndpointService endpoints) =>
        TypedResults.Ok(await endpoints.DeleteAsync(id, ManagementFilter.Actor(context), context.RequestAborted));
}
