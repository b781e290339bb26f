namespace FrontierGateway.Portal.Components.Account;

/// <summary>Until the first admin exists, every portal page leads to the first-run setup page.</summary>
internal sealed class SetupGate(RequestDelegate next, SetupState state)
{
    public const string SetupPath = "/account/setup";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var isPage = HttpMethods.IsGet(context.Request.Method)
            && !path.StartsWithSegments("/v1") && !path.StartsWithSegments("/_framework")
            && !path.StartsWithSegments("/_content") && !path.StartsWithSegments("/_blazor")
            && !path.StartsWithSegments(SetupPath) && !Path.HasExtension(path.Value);
        if (isPage && !await state.HasAdminAsync(context.RequestAborted))
        {
            context.Response.Redirect(SetupPath);
            return;
        }
        await next(context);
    }
}
