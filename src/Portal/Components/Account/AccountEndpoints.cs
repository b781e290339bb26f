using FrontierGateway.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace FrontierGateway.Portal.Components.Account;

internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/account/logout", async (SignInManager<PortalUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/account/login");
        });
}
