using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FrontierGateway.Gateway.Management;

public static class ManagementApi
{
    public const string Prefix = "/v1/gateway";

    public const string UnknownRouteMessage = "No such management API route.";

    /// <summary>Maps the whole management API under <see cref="Prefix"/>, behind workspace-key auth.</summary>
    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).AddEndpointFilter<ManagementFilter>().DisableAntiforgery();
        api.MapGroupsApi().MapApiKeysApi().MapEndpointsApi().MapWebhookApi().MapEventsApi();
        api.MapFallback(() => ApiError.Result(404, UnknownRouteMessage, null, "route_not_found"));
        return app;
    }
}
