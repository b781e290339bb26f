using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace FrontierGateway.Gateway.Inference;

public static class InferenceEndpoints
{
    /// <summary>The OpenAI-compatible API: YARP routes behind the data-plane middleware, and <c>GET /v1/models</c>.</summary>
    /// <remarks>
    /// The inference API authenticates by customer key inside its own pipeline. Its endpoints short-circuit at
    /// routing, so no middleware after routing (the portal's cookie authentication, the management API's
    /// authorization, the setup gate, antiforgery) runs on the hot path.
    /// </remarks>
    public static IEndpointRouteBuilder MapInference(this IEndpointRouteBuilder endpoints)
    {
        var app = endpoints.MapGroup("");
        app.ShortCircuit();
        app.MapGet("/v1/models", ModelsApi.ListModels).DisableAntiforgery();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<InferenceMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UseMiddleware<PassiveHealthMiddleware>();
            proxy.UseMiddleware<UpstreamBodyMiddleware>();
        });
        return endpoints;
    }
}
