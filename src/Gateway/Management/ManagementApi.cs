using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FrontierGateway.Gateway.Management;

public static class ManagementApi
{
    public const string Prefix = "/v1/gateway";

    public const string UnknownRouteMessage = "No such management API route.";

    /// <summary>
    /// Maps the whole management API under <see cref="Prefix"/>, behind workspace-key auth: every route needs the
    /// view scope, and any route that is not a read (GET, HEAD) the manage scope as well (SPEC §2).
    /// </summary>
    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).RequireAuthorization(WorkspaceKeyAuthentication.ViewPolicy).DisableAntiforgery();
        api.AddEndpointFilter(ApiError.NameRequestId).AddEndpointFilter(QueryText.Check);
        // Finally: it sees each endpoint's methods, however the resource class mapped them.
        ((IEndpointConventionBuilder)api).Finally(endpoint =>
        {
            if (!IsRead(endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault()))
            {
                endpoint.Metadata.Add(new AuthorizeAttribute(WorkspaceKeyAuthentication.ManagePolicy));
            }
        });
        api.MapGroupsApi().MapApiKeysApi().MapEndpointsApi().MapWebhookApi().MapEventsApi();
        // An unknown route is a 404 after the scope check its method calls for: reads take the first fallback.
        api.MapFallback(NoSuchRoute).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]))
            .WithOrder(int.MaxValue - 1);
        api.MapFallback(NoSuchRoute);
        return app;
    }

    private static JsonHttpResult<ErrorBody> NoSuchRoute() =>
        ApiError.Result(404, UnknownRouteMessage, null, "route_not_found");

    private static bool IsRead(IHttpMethodMetadata? methods) =>
        methods is { HttpMethods.Count: > 0 } && methods.HttpMethods.All(m => HttpMethods.IsGet(m) || HttpMethods.IsHead(m));
}
