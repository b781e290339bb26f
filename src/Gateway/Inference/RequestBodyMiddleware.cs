using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FrontierGateway.Gateway.Inference;

/// <summary>Reads the body into the call and checks it (<see cref="InferenceRequest.ReadAsync"/>): 400 naming the field.</summary>
internal sealed class RequestBodyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var reading = InferenceRequest.ReadAsync(context.Request, OperationOf(context.Request.Path));
        // A body already received (the common case) is read synchronously: no async state for this step then.
        return reading.IsCompletedSuccessfully ? Continue(context, reading.Result) : ContinueAsync(context, reading);
    }

    private async Task ContinueAsync(HttpContext context, Task<(InferenceRequest?, BodyError?)> reading) =>
        await Continue(context, await reading);

    private Task Continue(HttpContext context, (InferenceRequest? Request, BodyError? Error) read)
    {
        if (read.Request is not { } request)
        {
            return OpenAIError.BadRequestAsync(context, read.Error!);
        }
        context.Features.GetRequiredFeature<InferenceCall>().Request = request;
        return next(context);
    }

    private static InferenceOperation OperationOf(PathString path) =>
        path.StartsWithSegments("/v1/chat") ? InferenceOperation.ChatCompletions
        : path.StartsWithSegments("/v1/embeddings") ? InferenceOperation.Embeddings
        : InferenceOperation.Completions;
}
