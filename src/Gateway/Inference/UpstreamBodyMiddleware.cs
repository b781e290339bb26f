using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Runs after load balancing has picked the destination: rewrites the request body for that target
/// (its model name, usage asked for on streams). YARP forwards <c>HttpContext.Request</c>, so the body and its
/// length are replaced there; HttpClient is then handed the same bytes whole (<see cref="UpstreamContentHandler"/>).
/// </summary>
internal sealed class UpstreamBodyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var destinations = context.Features.Get<IReverseProxyFeature>()?.AvailableDestinations;
        if (context.Features.Get<InferenceRequest>() is { Route: { } route } request && destinations is [var chosen]
            && route.Destinations.TryGetValue(chosen.DestinationId, out var target))
        {
            var body = request.UpstreamStream(target.Model, target.ModelJson);
            context.Request.Body = body;
            context.Request.ContentLength = body.Length;
            context.Request.ContentType = "application/json";
        }
        return next(context);
    }
}
