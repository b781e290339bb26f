using System.Net.Http.Headers;
using FrontierGateway.Data.Entities;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Per destination: the upstream credential replaces the customer's key. Compression is not asked for,
/// so that the meter can read the response. The answer keeps the gateway's own <c>x-request-id</c> and
/// <c>x-ratelimit-*</c> headers, not the upstream's. (The target and its body are chosen before, by
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
        context.AddResponseTransform(KeepOwnHeaders);
    }

    /// <summary>
    /// The request id and the rate limits a customer sees are the gateway's (set before the call went upstream). An
    /// upstream such as api.openai.com sends its own under the same names, which YARP's copy appends to ours: those
    /// values are dropped, and a header only the upstream sent (its account's limits) goes altogether.
    /// </summary>
    private static ValueTask KeepOwnHeaders(ResponseTransformContext transform)
    {
        if (transform.ProxyResponse is not { } answer || !transform.HeadersCopied)
        {
            return ValueTask.CompletedTask;
        }
        var headers = transform.HttpContext.Response.Headers;
        foreach (var (name, values) in answer.Headers.NonValidated)
        {
            if (!IsOwn(name))
            {
                continue;
            }
            // The copy put the upstream's values after the gateway's own (one, for every header the gateway sets).
            var all = headers[name];
            var own = all.Count - values.Count;
            if (own <= 0)
            {
                headers.Remove(name);
            }
            else
            {
                headers[name] = own == 1 ? all[0] : new StringValues(all.ToArray()[..own]);
            }
        }
        return ValueTask.CompletedTask;
    }

    private static bool IsOwn(string header) =>
        header.Equals("x-request-id", StringComparison.OrdinalIgnoreCase)
        || header.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase);

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
