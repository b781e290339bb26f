using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace FrontierGateway.Gateway.Inference;

public static class InferenceEndpoints
{
    /// <summary>The OpenAI-compatible API: YARP routes behind the data-plane middleware, and <c>GET /v1/models</c>.</summary>
    public static IEndpointRouteBuilder MapInference(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", ModelsApi.ListModels).DisableAntiforgery();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<InferenceMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UseMiddleware<PassiveHealthMiddleware>();
            proxy.UseMiddleware<UpstreamBodyMiddleware>();
        });
        return app;
    }
}
