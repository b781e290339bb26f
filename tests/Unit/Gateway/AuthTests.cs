using System.Net;
using FrontierGateway.Data.Entities;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway;

public sealed class AuthTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Get_NoKey_Is401InTheErrorShape()
    {
        var sut = factory.CreateClient();

        (await sut.GetJsonAsync("/v1/gateway/groups")).AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Theory]
    [InlineData("Api-Key nope")]
    [InlineData("Api-Key abcdefghijklmnop.0123456789012345678901234567890123456789")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Get_UnknownOrMalformedKey_Is401(string header)
    {
        var sut = factory.CreateClient();
        sut.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        (await sut.GetJsonAsync("/v1/gateway/groups")).AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public async Task Get_BearerScheme_IsAccepted()
    {
        var sut = factory.CreateClient();
        sut.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + GatewayFactory.ManageKey);

        Assert.Equal(HttpStatusCode.OK, (await sut.GetJsonAsync("/v1/gateway/groups")).Status);
    }

    [Fact]
    public async Task ViewKey_ReadsButCannotWrite()
    {
        var sut = factory.Client(await factory.MintWorkspaceKeyAsync(WorkspaceScope.View));
        var groupsBefore = await factory.QueryAsync(db => Task.FromResult(db.Groups.Count()));

        Assert.Equal(HttpStatusCode.OK, (await sut.GetJsonAsync("/v1/gateway/endpoints")).Status);
        (await sut.PostAsync("/v1/gateway/groups", "{}")).AssertError(HttpStatusCode.Forbidden, null);
        Assert.Equal(groupsBefore, await factory.QueryAsync(db => Task.FromResult(db.Groups.Count())));
    }

    [Fact]
    public async Task RevokedWorkspaceKey_Is401()
    {
        var key = await factory.MintWorkspaceKeyAsync(WorkspaceScope.Manage);
        var sut = factory.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await sut.GetJsonAsync("/v1/gateway/groups")).Status);

        await factory.Services.GetRequiredService<FrontierGateway.Data.Keys.WorkspaceKeyService>()
            .RevokeAsync(key[..16], "test");

        (await sut.GetJsonAsync("/v1/gateway/groups")).AssertError(HttpStatusCode.Unauthorized, null);
    }
}
