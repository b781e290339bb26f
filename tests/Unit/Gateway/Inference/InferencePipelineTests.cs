using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>The portal's sign-in machinery stays off the inference path (it once ran on every call).</summary>
public sealed class InferencePipelineTests(InferencePipelineTests.CountingFactory factory)
    : IClassFixture<InferencePipelineTests.CountingFactory>
{
    [Fact]
    public async Task InferenceCall_DoesNotAuthenticateWithThePortalCookie_WhilePortalPagesDo()
    {
        var (_, key) = await factory.CustomerAsync("pipeline");
        var before = factory.Authentications;

        using var chat = await factory.Caller(key).ChatAsync();
        var afterChat = factory.Authentications;
        using var page = await factory.CreateClient().GetAsync("/account/login");

        Assert.Equal(200, (int)chat.StatusCode);
        Assert.Equal(before, afterChat);
        Assert.True(factory.Authentications > afterChat, "the portal page should have authenticated");
    }

    public sealed class CountingFactory : GatewayFactory
    {
        private int authentications;

        public int Authentications => Volatile.Read(ref authentications);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddScoped<IAuthenticationService>(sp =>
                new Counting(ActivatorUtilities.CreateInstance<AuthenticationService>(sp), () => Interlocked.Increment(ref authentications))));
        }
    }

    private sealed class Counting(IAuthenticationService inner, Action counted) : IAuthenticationService
    {
        public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme)
        {
            counted();
            return inner.AuthenticateAsync(context, scheme);
        }

        public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) =>
            inner.ChallengeAsync(context, scheme, properties);

        public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) =>
            inner.ForbidAsync(context, scheme, properties);

        public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal,
            AuthenticationProperties? properties) => inner.SignInAsync(context, scheme, principal, properties);

        public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) =>
            inner.SignOutAsync(context, scheme, properties);
    }
}
