using System.Security.Claims;
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

    public static Task<Results<Ok<EndpointView>, BadRequest<ErrorBody>>> CreateEndpoint(HttpRequest request,
        ClaimsPrincipal user, EndpointService endpoints, CancellationToken ct) =>
        ApiResults.OkOrBadRequest(async () =>
            await endpoints.CreateAsync(await JsonBody.ReadAsync<EndpointInput>(request), user.Actor(), ct));

    public static Task<Results<Ok<ListView<EndpointView>>, BadRequest<ErrorBody>>> ListEndpoints(EndpointService endpoints,
        string? limit, string? cursor, CancellationToken ct) =>
        ApiResults.OkOrBadRequest(async () =>
            ListView<EndpointView>.Of(await endpoints.ListAsync(PageRequest.Parse(limit, cursor), ct)));

    public static Task<Results<Ok<EndpointView>, NotFound<ErrorBody>>> GetEndpoint(string id, EndpointService endpoints,
        CancellationToken ct) =>
        ApiResults.OkOrNotFound(() => endpoints.GetAsync(id, ct));

    public static Task<Results<Ok<EndpointView>, BadRequest<ErrorBody>, NotFound<ErrorBody>>> PatchEndpoint(string id,
        HttpRequest request, ClaimsPrincipal user, EndpointService endpoints, CancellationToken ct) =>
        ApiResults.OkOrRefused(async () =>
            await endpoints.PatchAsync(id, await JsonBody.ReadAsync<EndpointInput>(request), user.Actor(), ct));

    public static Task<Results<Ok<DeletedEndpointView>, NotFound<ErrorBody>>> DeleteEndpoint(string id,
        ClaimsPrincipal user, EndpointService endpoints, CancellationToken ct) =>
        ApiResults.OkOrNotFound(() => endpoints.DeleteAsync(id, user.Actor(), ct));
}
