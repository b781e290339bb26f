using System.Net;
using FrontierGateway.Data;
using FrontierGateway.Data.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

/// <summary>Signing secrets: a bounded number active (each signs every delivery), never none while enabled.</summary>
public abstract class WebhookSecretsTests(DataProvider provider) : IAsyncLifetime
{
    public sealed class OnSqlite() : WebhookSecretsTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : WebhookSecretsTests(DataProvider.Postgres);

    private const int MaxActive = 5;
    private readonly GatewayFactory gateway = GatewayFactory.On(provider);
    private HttpClient admin = null!;

    public Task InitializeAsync()
    {
        admin = gateway.Client();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await gateway.DisposeAsync();

    [Fact]
    public async Task AddSecret_PastTheCap_Is400NamingSecrets_UntilOneIsRetired()
    {
        for (var i = 0; i < MaxActive; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/v1/gateway/webhook/secrets", "{}")).Status);
        }

        var refused = await admin.PostAsync("/v1/gateway/webhook/secrets", "{}");
        var active = (await Sut().GetAsync()).Secrets;
        await admin.SendAsync(HttpMethod.Delete, $"/v1/gateway/webhook/secrets/{active[0].Id}");
        var afterRetiring = await admin.PostAsync("/v1/gateway/webhook/secrets", "{}");

        refused.AssertError(HttpStatusCode.BadRequest, "secrets");
        Assert.Equal(MaxActive, active.Count);
        Assert.Equal(HttpStatusCode.OK, afterRetiring.Status);
    }

    [Fact]
    public async Task RetireSecret_TwoAtOnceOnEnabledWebhook_LeaveOneActive()
    {
        var sut = Sut();
        await sut.AddSecretAsync("test");
        await sut.PutAsync(new WebhookInput("http://127.0.0.1:9/hook", true), "test");

        // Rounds, because each is a race: before the fix both retires passed the last-secret check now and then.
        for (var round = 0; round < 20; round++)
        {
            await sut.AddSecretAsync("test");
            var ids = (await sut.GetAsync()).Secrets.Select(s => s.Id).ToList();
            var retired = await Task.WhenAll(ids.Select(id => Task.Run(() => TryRetireAsync(sut, id))));

            Assert.Single((await sut.GetAsync()).Secrets);
            Assert.Single(retired, ok => ok);
        }
    }

    private WebhookService Sut() => gateway.Services.GetRequiredService<WebhookService>();

    private static async Task<bool> TryRetireAsync(WebhookService sut, string id)
    {
        try
        {
            await sut.RetireSecretAsync(id, "test");
            return true;
        }
        catch (DomainException e) when (e.Status == 400)
        {
            return false;
        }
    }
}
