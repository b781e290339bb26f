using FrontierGateway.Data.Entities;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace FrontierGateway.Portal.Components.Account;

internal static class AccountEndpoints
{
    /// <summary>
    /// Sign-out, from the layout's form. It binds no form, so ASP.NET Core would not check the form's antiforgery
    /// token by itself: the endpoint checks it, or any site could sign a user out with a cross-site post.
    /// </summary>
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/account/logout", async Task<IResult> (HttpContext context, IAntiforgery antiforgery, SignInManager<PortalUser> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return TypedResults.BadRequest();
            }
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/account/login");
        });
}
