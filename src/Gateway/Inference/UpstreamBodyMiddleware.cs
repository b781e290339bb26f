using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Runs after load balancing has picked the destination: rewrites the request body for that target
/// (its model name, usage asked for on streams). HttpClient is handed those bytes whole (<see cref="UpstreamContentHandler"/>),
/// in place of YARP's copy of <c>HttpContext.Request.Body</c>, which has been read already; the request's length
/// and type are set to match, as YARP copies them into the outgoing headers.
/// </summary>
internal sealed class UpstreamBodyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var destinations = context.Features.Get<IReverseProxyFeature>()?.AvailableDestinations;
        if (context.Features.Get<InferenceCall>() is { Route: { } route } call && destinations is [var chosen]
            && route.Destinations.TryGetValue(chosen.DestinationId, out var target))
        {
            context.Request.ContentLength = call.Request.PrepareUpstream(target);
            context.Request.ContentType = "application/json";
        }
        return next(context);
    }
}
