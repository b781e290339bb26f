using System.Net.Http.Headers;
using FrontierGateway.Data.Entities;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Per destination: the upstream credential replaces the customer's key. Compression is not asked for,
/// so that the meter can read the response. (The target and its body are chosen before, by
/// <see cref="UpstreamBodyMiddleware"/>; this hands the body on to <see cref="UpstreamContentHandler"/> in the
/// outgoing request's options.)
/// </summary>
internal sealed class UpstreamTransform : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        // No X-Forwarded-* headers: the customer's address is not the upstream's business (and each costs a
        // little on every call).
        context.UseDefaultForwarders = false;
        context.AddRequestTransform(Rewrite);
    }

    private static ValueTask Rewrite(RequestTransformContext transform)
    {
        // Whatever else happens, the customer's key never goes upstream.
        var headers = transform.ProxyRequest.Headers;
        headers.Authorization = null;
        headers.Remove("api-key");
        headers.AcceptEncoding.Clear();
        if (transform.HttpContext.Features.Get<InferenceCall>()?.Request is { Target: { } target, Upstream: { } content })
        {
            transform.ProxyRequest.Options.Set(UpstreamContent.Option, content);
            if (target.Secret is { } secret)
            {
                headers.Authorization = new AuthenticationHeaderValue(
                    target.Provider == ProviderKind.Baseten ? "Api-Key" : "Bearer", secret);
            }
        }
        return ValueTask.CompletedTask;
    }
}
