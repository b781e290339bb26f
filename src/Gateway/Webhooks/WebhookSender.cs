using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Leases;
using FrontierGateway.Data.Webhooks;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Webhooks;

/// <summary>
/// Attempts due deliveries, several at once: 2xx delivers, 4xx fails for good, anything else (5xx, 3xx,
/// timeouts, refused connections) is retried with exponential backoff and jitter until the attempt budget
/// is spent, then dead-lettered. State lives in the database, so a restart carries on where it stopped. With
/// several hosts on one database, a host attempts only the deliveries it has leased (<see cref="ClaimAsync"/>), so
/// each attempt has one sender, and a host that died leaves its claim to the others once the lease runs out.
/// </summary>
internal sealed partial class WebhookSender(IDbContextFactory<FrontierDbContext> dbFactory, WebhookService webhooks,
    IHttpClientFactory httpFactory, DeliveryQueue queue, HostId host, IOptions<WebhookOptions> options, TimeProvider time,
    GatewayMetrics metrics, GatewayTracing tracing, WebhookBacklog backlog, ILogger<WebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        webhooks.DeliveriesChanged += queue.Wake;
        backlog.Observe(metrics);
        try
        {
            await ReleaseLeasesOfEndedLocalHostsAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Not fatal: those leases lapse by themselves.
            LogSendLoopFailed(logger, e);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database that is down or refuses a write: the deliveries stay due, and the next round tries again.
                LogSendLoopFailed(logger, e);
            }
            await queue.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    internal async Task SendDueAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(ct);
        if (endpoint?.Url is not { } url)
        {
            return;
        }
        var due = await ClaimAsync(db, endpoint.Enabled, ct);
        if (due.Count == 0)
        {
            return;
        }
        var secrets = await webhooks.ActiveSecretsAsync(ct);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct },
            async (delivery, token) => await RecordAsync(delivery.Id, await AttemptAsync(url, delivery, secrets, token), token));
    }

    /// <summary>
    /// Leases the due deliveries no host holds, oldest first, and answers those this host got. The lease condition is
    /// part of the update itself, so of two hosts that picked the same rows the second finds them leased (PostgreSQL
    /// checks the condition again on the row the first one committed; SQLite has one writer at a time).
    /// </summary>
    internal async Task<List<WebhookDelivery>> ClaimAsync(FrontierDbContext db, bool enabled, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var candidates = await Due(db, enabled, now).OrderBy(d => d.NextAttemptAt).Take(options.Value.ClaimSize)
            .Select(d => d.Id).ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return [];
        }
        var owner = host.Value;
        var until = now + options.Value.DeliveryLease;
        await Due(db, enabled, now).Where(d => candidates.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, owner).SetProperty(d => d.LeaseUntil, until), ct);
        return await db.WebhookDeliveries.AsNoTracking()
            .Where(d => candidates.Contains(d.Id) && d.LeaseOwner == owner && d.LeaseUntil > now)
            .OrderBy(d => d.NextAttemptAt).ToListAsync(ct);
    }

    /// <summary>
    /// A host restarted after a crash need not wait out its previous process's leases: a lease owned by a process of
    /// this machine that has ended is let go at once. (Hosts on other machines wait for the lease to lapse.)
    /// </summary>
    internal async Task ReleaseLeasesOfEndedLocalHostsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var local = HostId.LocalPrefix;
        var owners = await db.WebhookDeliveries.Where(d => d.LeaseOwner != null && d.LeaseOwner.StartsWith(local))
            .Select(d => d.LeaseOwner!).Distinct().ToListAsync(ct);
        var ended = owners.Where(HostId.IsEndedLocalProcess).ToList();
        if (ended.Count > 0)
        {
            await db.WebhookDeliveries.Where(d => ended.Contains(d.LeaseOwner!))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, (string?)null).SetProperty(d => d.LeaseUntil, (DateTime?)null), ct);
        }
    }

    private static IQueryable<WebhookDelivery> Due(FrontierDbContext db, bool enabled, DateTime now) =>
        db.WebhookDeliveries.Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (enabled || d.IsTest)
            && (d.LeaseUntil == null || d.LeaseUntil <= now));

    private sealed record Outcome(int? StatusCode, string? Error, int LatencyMs)
    {
        public bool Delivered => StatusCode is >= 200 and < 300;
        public bool Final => StatusCode is >= 400 and < 500;
    }

    private async Task<Outcome> AttemptAsync(string url, WebhookDelivery delivery, List<string> secrets, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add("X-Baseten-Signature", WebhookSigner.Sign(body, secrets));
        request.Headers.Add("X-Baseten-Request-ID", delivery.RequestId.ToString());
        // The HttpClient call inside it carries its traceparent to the receiver.
        using var activity = tracing.StartWebhookAttempt(delivery.Id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.AttemptTimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", code);
            return new Outcome(code, code is >= 200 and < 300 ? null : $"HTTP {code}", Elapsed(started));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(null, $"Timed out after {options.Value.AttemptTimeoutSeconds} s", Elapsed(started));
        }
        catch (HttpRequestException e)
        {
            return new Outcome(null, e.Message, Elapsed(started));
        }
    }

    private async Task RecordAsync(string id, Outcome outcome, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.WebhookDeliveries.FirstAsync(d => d.Id == id, ct);
        if (delivery.LeaseOwner != host.Value)
        {
            // The lease ran out during the attempt and another host has the delivery now: its outcome is that host's.
            LogLeaseLost(logger, id);
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        (delivery.LeaseOwner, delivery.LeaseUntil) = (null, null);
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        delivery.LastStatusCode = outcome.StatusCode;
        delivery.LastError = outcome.Error is { Length: > 1000 } e ? e[..1000] : outcome.Error;
        delivery.LastLatencyMs = outcome.LatencyMs;
        var result = "retry";
        if (outcome.Delivered)
        {
            delivery.Status = DeliveryStatus.Delivered;
            delivery.DeliveredAt = now;
            result = "delivered";
        }
        else if (outcome.Final)
        {
            delivery.Status = DeliveryStatus.Failed;
            result = "failed";
        }
        else if (delivery.Attempts >= options.Value.MaxAttempts)
        {
            delivery.Status = DeliveryStatus.Dead;
            LogDeadLettered(logger, id, delivery.Attempts);
            result = "dead";
        }
        else
        {
            delivery.NextAttemptAt = now + Backoff(delivery.Attempts);
        }
        metrics.RecordWebhookAttempt(result, TimeSpan.FromMilliseconds(outcome.LatencyMs));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Taken over between the read above and this save.
            LogLeaseLost(logger, id);
        }
    }

    /// <summary>base × 2^(attempt−1), capped, with ±20 % jitter so that retries of many deliveries spread out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(options.Value.BackoffMaxSeconds, options.Value.BackoffBaseSeconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private static int Elapsed(long started) => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {Id} was dead-lettered after {Attempts} attempts.")]
    private static partial void LogDeadLettered(ILogger logger, string id, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {Id} was leased by another host during its attempt; that host records it.")]
    private static partial void LogLeaseLost(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "The webhook send loop failed; it carries on.")]
    private static partial void LogSendLoopFailed(ILogger logger, Exception e);
}
