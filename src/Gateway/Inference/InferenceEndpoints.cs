using FrontierGateway.Gateway.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Gateway.Inference;

public static class InferenceEndpoints
{
    /// <summary>The OpenAI-compatible API: YARP routes behind the data plane's steps, and <c>GET /v1/models</c>.</summary>
    /// <remarks>
    /// The inference API authenticates by customer key inside its own pipeline. Its endpoints short-circuit at
    /// routing, so no middleware after routing (the portal's cookie authentication, the management API's
    /// authorization, the setup gate, antiforgery) runs on the hot path. Each step of the proxy pipeline does one
    /// thing, and they hand the call on in an <see cref="InferenceCall"/>: a step that answers (an error, the
    /// simulated model) ends the call there, and the steps before it see the answer on the way out.
    /// </remarks>
    public static IEndpointRouteBuilder MapInference(this IEndpointRouteBuilder endpoints)
    {
        var app = endpoints.MapGroup("");
        app.ShortCircuit();
        app.MapGet("/v1/models", ModelsApi.ListModels).DisableAntiforgery();
        // Only while tracing is on: a step that would start no span costs nothing when it is not there.
        var tracing = endpoints.ServiceProvider.GetRequiredService<GatewayTracing>().Enabled;
        app.MapReverseProxy(proxy =>
        {
            if (tracing)
            {
                proxy.UseMiddleware<TracingMiddleware>();
            }
            proxy.UseMiddleware<KeyAuthenticationMiddleware>();
            proxy.UseMiddleware<RequestBodyMiddleware>();
            proxy.UseMiddleware<ModelRoutingMiddleware>();
            proxy.UseMiddleware<AdmissionMiddleware>();
            proxy.UseMiddleware<MeteringMiddleware>();
            proxy.UseMiddleware<SimulatedModelMiddleware>();
            proxy.UseMiddleware<ForwardMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UseMiddleware<PassiveHealthMiddleware>();
            proxy.UseMiddleware<UpstreamBodyMiddleware>();
        });
        return endpoints;
    }
}
