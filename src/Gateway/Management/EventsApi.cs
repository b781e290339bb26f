using FrontierGateway.Data.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FrontierGateway.Gateway.Management;

/// <summary><c>GET /v1/gateway/events</c>: billing events in ascending time, to pull.</summary>
public static class EventsApi
{
    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/events", ListEvents);
        return api;
    }

    public static Task<Results<Ok<ListView<BillingEvent>>, BadRequest<ErrorBody>>> ListEvents(EventQueryService events,
        [FromQuery(Name = "start_time")] string? startTime, [FromQuery(Name = "end_time")] string? endTime,
        [FromQuery(Name = "external_entity_id")] string? externalEntityId,
        [FromQuery(Name = "api_key_prefix")] string? apiKeyPrefix, string? limit, string? cursor, CancellationToken ct) =>
        ApiResults.OkOrBadRequest(async () => ListView<BillingEvent>.Of(await events.ListAsync(
            new EventQueryInput(startTime, endTime, externalEntityId, apiKeyPrefix, limit, cursor), ct)));
}
