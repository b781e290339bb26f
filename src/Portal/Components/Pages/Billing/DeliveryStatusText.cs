using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Webhooks;
using MudBlazor;

namespace FrontierGateway.Portal.Components.Pages.Billing;

/// <summary>
/// The one vocabulary of delivery states, for the overview and the delivery log alike: the wire status (the API's
/// filter values) with RETRYING for a pending delivery that has failed at least once, as <c>WebhookService.HealthAsync</c> counts.
/// </summary>
internal static class DeliveryStatusText
{
    public const string Retrying = "RETRYING";

    /// <summary>The states in the order a delivery goes through them.</summary>
    public static readonly IReadOnlyList<string> Order = ["PENDING", Retrying, "DELIVERED", "FAILED", "DEAD"];

    public static string Label(string status) => status switch
    {
        "PENDING" => "Pending",
        Retrying => "Retrying",
        "DELIVERED" => "Delivered",
        "FAILED" => "Refused (4xx)",
        "DEAD" => "Dead (retries used up)",
        _ => status,
    };

    public static string Of(DeliveryView delivery) =>
        delivery.Status == DeliveryStatus.Pending && delivery.Attempts > 0 ? Retrying : WireNames.Of(delivery.Status);

    /// <summary>Colour only for what someone should act on: refused or dead deliveries to redeliver, retries to watch.</summary>
    public static Color Color(string status, int count = 1) => count == 0 ? MudBlazor.Color.Default : status switch
    {
        "FAILED" or "DEAD" => MudBlazor.Color.Error,
        Retrying => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Default,
    };
}
