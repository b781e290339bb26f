using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// The body's <c>model</c> must be one of the group's slugs and have an endpoint: the call takes that slug's limits
/// and route, else it gets a 404 <c>model_not_found</c>.
/// </summary>
internal sealed class ModelRoutingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var call = context.Features.GetRequiredFeature<InferenceCall>();
        var slug = call.Request.Slug;
        if (call.Group.Find(slug) is not { } policy || !call.Snapshot.Endpoints.TryGetValue(slug, out var route))
        {
            return OpenAIError.ModelNotFoundAsync(context, slug);
        }
        (call.Policy, call.Route) = (policy, route);
        return next(context);
    }
}
