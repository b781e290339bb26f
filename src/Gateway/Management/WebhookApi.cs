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

    public static async Task<Ok<WebhookView>> GetWebhook(WebhookService webhooks, HttpContext context) =>
        TypedResults.Ok(await webhooks.GetAsync(context.RequestAborted));

    public static async Task<Ok<WebhookView>> PutWebhook(HttpContext context, WebhookService webhooks) =>
        TypedResults.Ok(await webhooks.PutAsync(await JsonBody.ReadAsync<WebhookInput>(context.Request),
            ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<NewSecretView>> AddSecret(HttpContext context, WebhookService webhooks) =>
        TypedResults.Ok(await webhooks.AddSecretAsync(ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<DeletedSecretView>> RetireSecret(string id, HttpContext context, WebhookService webhooks) =>
        TypedResults.Ok(await webhooks.RetireSecretAsync(id, ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<DeliveryView>> SendTest(HttpContext context, WebhookService webhooks) =>
        TypedResults.Ok(await webhooks.SendTestAsync(ManagementFilter.Actor(context), context.RequestAborted));

    public static async Task<Ok<ListView<DeliveryView>>> ListDeliveries(WebhookService webhooks, HttpContext context,
        string? status, string? limit, string? cursor) =>
        TypedResults.Ok(ListView<DeliveryView>.Of(await webhooks.ListDeliveriesAsync(status,
            PageRequest.Parse(limit, cursor), context.RequestAborted)));

    public static async Task<Ok<DeliveryView>> GetDelivery(string id, WebhookService webhooks, HttpContext context) =>
        TypedResults.Ok((await webhooks.GetDeliveryAsync(id, context.RequestAborted)).View);

    public static async Task<Ok<DeliveryView>> Redeliver(string id, HttpContext context, WebhookService webhooks) =>
        TypedResults.Ok(await webhooks.RedeliverAsync(id, ManagementFilter.Actor(context), context.RequestAborted));
}
