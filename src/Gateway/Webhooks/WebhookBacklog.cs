using System.Diagnostics.Metrics;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FrontierGateway.Gateway.Webhooks;

/// <summary>
/// <c>frontier.webhook.backlog</c>: the deliveries waiting (<c>PENDING</c>) and dead-lettered (<c>DEAD</c>), counted in
/// the database when metrics are collected (a scrape, or the OTLP exporter's period), on the (status, next attempt)
/// index. Delivered and failed deliveries are history, not backlog: they are not counted.
/// </summary>
internal sealed partial class WebhookBacklog(IDbContextFactory<FrontierDbContext> dbFactory, ILogger<WebhookBacklog> logger)
{
    private static readonly DeliveryStatus[] Counted = [DeliveryStatus.Pending, DeliveryStatus.Dead];

    public void Observe(GatewayMetrics metrics) => metrics.Meter.CreateObservableGauge("frontier.webhook.backlog", Count,
        "{delivery}", "Webhook deliveries waiting (status PENDING) or dead-lettered (DEAD).");

    private IEnumerable<Measurement<long>> Count()
    {
        try
        {
            using var db = dbFactory.CreateDbContext();
            var counts = db.WebhookDeliveries.Where(d => Counted.Contains(d.Status)).GroupBy(d => d.Status)
                .Select(g => new { g.Key, Count = g.LongCount() }).ToDictionary(g => g.Key, g => g.Count);
            return Counted.Select(status => new Measurement<long>(counts.GetValueOrDefault(status),
                new KeyValuePair<string, object?>("status", WireNames.Of(status)))).ToList();
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            // A database that cannot answer: no value this time, rather than a failed scrape.
            LogCountFailed(logger, e);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the webhook backlog for the metrics failed.")]
    private static partial void LogCountFailed(ILogger logger, Exception e);
}
