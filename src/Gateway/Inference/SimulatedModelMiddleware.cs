using FrontierGateway.Gateway.Simulated;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FrontierGateway.Gateway.Inference;

/// <summary>A call routed to a <c>SIMULATED</c> endpoint is answered here, by the built-in model; the others go on upstream.</summary>
internal sealed class SimulatedModelMiddleware(RequestDelegate next, SimulatedModel simulated)
{
    public Task InvokeAsync(HttpContext context)
    {
        var call = context.Features.GetRequiredFeature<InferenceCall>();
        return call.Route.Simulated
            ? simulated.WriteAsync(context, call.Request.Operation, call.Request.PrepareForSimulated(), context.RequestAborted,
                (int?)call.PromptTokensCounted)
            : next(context);
    }
}
