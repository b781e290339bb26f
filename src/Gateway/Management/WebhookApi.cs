using System.Security.Claims;
using FrontierGateway.Data.Paging;
using FrontierGateway.Data.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FrontierGateway.Gateway.Management;

/// <summary><c>/v1/gateway/webhook</c>: the billing receiver, its signing secrets and the delivery log.</summary>
public static class WebhookApi
{
    public static RouteGroupBuilder MapWebhookApi(this RouteGroupBuilder api)
    {
        var webhook = api.MapGroup("/webhook");
        webhook.MapGet("/", GetWebhook);
        webhook.MapPut("/", PutWebhook);
        webhook.MapPost("/secrets", AddSecret);
        webhook.MapDelete("/secrets/{id}", RetireSecret);
        webhook.MapPost("/test", SendTest);
        webhook.MapGet("/deliveries", ListDeliveries);
        webhook.MapGet("/deliveries/{id}", GetDelivery);
        webhook.MapPost("/deliveries/{id}/redeliver", Redeliver);
        return api;
    }

    public static async Task<Ok<WebhookView>> GetWebhook(WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.GetAsync(ct));

    public static Task<Results<Ok<WebhookView>, BadRequest<ErrorBody>>> PutWebhook(HttpRequest request,
        ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct) =>
        ApiResults.OkOrBadRequest(async () =>
            await webhooks.PutAsync(await JsonBody.ReadAsync<WebhookInput>(request), user.Actor(), ct));

    /// <summary>400 refuses a secret past <see cref="WebhookService.MaxActiveSecrets"/> active ones.</summary>
    public static Task<Results<Ok<NewSecretView>, BadRequest<ErrorBody>>> AddSecret(ClaimsPrincipal user,
        WebhookService webhooks, CancellationToken ct) =>
        ApiResults.OkOrBadRequest(() => webhooks.AddSecretAsync(user.Actor(), ct));

    /// <summary>400 refuses to retire the last secret of an enabled webhook.</summary>
    public static Task<Results<Ok<DeletedSecretView>, BadRequest<ErrorBody>, NotFound<ErrorBody>>> RetireSecret(
        string id, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct) =>
        ApiResults.OkOrRefused(() => webhooks.RetireSecretAsync(id, user.Actor(), ct));

    public static Task<Results<Ok<DeliveryView>, BadRequest<ErrorBody>>> SendTest(ClaimsPrincipal user,
        WebhookService webhooks, CancellationToken ct) =>
        ApiResults.OkOrBadRequest(() => webhooks.SendTestAsync(user.Actor(), ct));

    public static Task<Results<Ok<ListView<DeliveryView>>, BadRequest<ErrorBody>>> ListDeliveries(
        WebhookService webhooks, string? status, string? limit, string? cursor, CancellationToken ct) =>
        ApiResults.OkOrBadRequest(async () =>
            ListView<DeliveryView>.Of(await webhooks.ListDeliveriesAsync(status, PageRequest.Parse(limit, cursor), ct)));

    public static Task<Results<Ok<DeliveryView>, NotFound<ErrorBody>>> GetDelivery(string id, WebhookService webhooks,
        CancellationToken ct) =>
        ApiResults.OkOrNotFound(async () => (await webhooks.GetDeliveryAsync(id, ct)).View);

    /// <summary>400 refuses a delivery that is not FAILED or DEAD.</summary>
    public static Task<Results<Ok<DeliveryView>, BadRequest<ErrorBody>, NotFound<ErrorBody>>> Redeliver(string id,
        ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct) =>
        ApiResults.OkOrRefused(() => webhooks.RedeliverAsync(id, user.Actor(), ct));
}
