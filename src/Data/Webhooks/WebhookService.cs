using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Paging;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Webhooks;

/// <summary>The webhook receiver, its signing secrets and the delivery log: for the REST API and the portal.</summary>
public sealed class WebhookService(IDbContextFactory<FrontierDbContext> dbFactory, IDataProtectionProvider protection,
    TimeProvider time)
{
    public const string SecretPurpose = "FrontierGateway.WebhookSecrets.v1";

    /// <summary>Every active secret signs every delivery: enough for a rotation with room to spare, and no more.</summary>
    public const int MaxActiveSecrets = 5;

    /// <summary>The PostgreSQL advisory lock of <see cref="WriteAsync{T}"/>: "FrontWH1" as a big-endian 64-bit integer.</summary>
    internal const long WriteLockKey = 0x46726F6E74574831;

    private readonly IDataProtector protector = protection.CreateProtector(SecretPurpose);

    /// <summary>Raised after a change that the sender should act on at once (new or redelivered deliveries).</summary>
    public event Action? DeliveriesChanged;

    public async Task<WebhookView> GetAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ViewAsync(db, await EndpointAsync(db, ct), ct);
    }

    public async Task<WebhookView> PutAsync(WebhookInput input, string actor, CancellationToken ct = default)
    {
        if (input.Url is not null && !IsHttpUrl(input.Url))
        {
            throw DomainException.Invalid("url", "url must be an absolute http or https URL.");
        }
        var after = await WriteAsync(async db =>
        {
            var endpoint = await EndpointAsync(db, ct);
            var before = await ViewAsync(db, endpoint, ct);
            endpoint.Url = input.Url ?? endpoint.Url;
            endpoint.Enabled = input.Enabled ?? endpoint.Enabled;
            if (endpoint.Enabled && endpoint.Url is null)
            {
                throw DomainException.Invalid("url", "url is required to enable the webhook.");
            }
            if (endpoint.Enabled && !await db.WebhookSecrets.AnyAsync(s => s.RetiredAt == null, ct))
            {
                throw DomainException.Invalid("secrets", "Add a signing secret (POST /v1/gateway/webhook/secrets) before enabling the webhook.");
            }
            endpoint.UpdatedAt = time.GetUtcNow().UtcDateTime;
            var after = await ViewAsync(db, endpoint, ct);
            AuditLog.Record(db, actor, "webhook.update", "webhook", "webhook", before, after, endpoint.UpdatedAt);
            return after;
        }, ct);
        DeliveriesChanged?.Invoke();
        return after;
    }

    public async Task<NewSecretView> AddSecretAsync(string actor, CancellationToken ct = default)
    {
        var secret = "whsec_" + Ids.Random(40);
        var row = new WebhookSecret
        {
            Id = Ids.New("wsec"),
            ProtectedSecret = protector.Protect(secret),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        return await WriteAsync(async db =>
        {
            if (await db.WebhookSecrets.CountAsync(s => s.RetiredAt == null, ct) >= MaxActiveSecrets)
            {
                throw DomainException.Invalid("secrets",
                    $"At most {MaxActiveSecrets} signing secrets can be active: retire one first.", "too_many_secrets");
            }
            db.WebhookSecrets.Add(row);
            AuditLog.Record(db, actor, "webhook.secret.create", "webhook_secret", row.Id, null, new { row.Id }, row.CreatedAt);
            return new NewSecretView(row.Id, secret);
        }, ct);
    }

    public Task<DeletedSecretView> RetireSecretAsync(string id, string actor, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var row = await db.WebhookSecrets.FirstOrDefaultAsync(s => s.Id == id && s.RetiredAt == null, ct)
                ?? throw DomainException.NotFound("id", $"No active signing secret \"{id}\".");
            var endpoint = await EndpointAsync(db, ct);
            if (endpoint.Enabled && await db.WebhookSecrets.CountAsync(s => s.RetiredAt == null, ct) == 1)
            {
                throw DomainException.Invalid("id", "This is the last active secret of an enabled webhook: add a new one first.");
            }
            row.RetiredAt = time.GetUtcNow().UtcDateTime;
            AuditLog.Record(db, actor, "webhook.secret.retire", "webhook_secret", id, new { row.Id }, null, row.RetiredAt.Value);
            return new DeletedSecretView(id);
        }, ct);

    /// <summary>
    /// A change to the webhook or its secrets, one at a time across every host: the rules that count the active
    /// secrets (the cap, never none while enabled) would otherwise let two calls at once both pass, for instance two
    /// retires each leaving "one other" active. SQLite: Microsoft.Data.Sqlite begins the transaction IMMEDIATE, taking
    /// the database's write lock. PostgreSQL: an advisory lock held until the transaction ends.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<FrontierDbContext, Task<T>> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({WriteLockKey})", ct);
        }
        var result = await change(db);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>The plaintext of every active secret, for signing.</summary>
    public async Task<List<string>> ActiveSecretsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.WebhookSecrets.AsNoTracking().Where(s => s.RetiredAt == null).OrderBy(s => s.CreatedAt).ToListAsync(ct);
        return rows.ConvertAll(s => protector.Unprotect(s.ProtectedSecret));
    }

    public async Task<Page<DeliveryView>> ListDeliveriesAsync(string? status, PageRequest page, CancellationToken ct = default)
    {
        DeliveryStatus? filter = QueryParameter.Given(status) is { } given ? ParseStatus(given) : null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.WebhookDeliveries.AsNoTracking();
        if (filter is { } s)
        {
            query = query.Where(d => d.Status == s);
        }
        if (page.After is { } after)
        {
            query = query.Where(d => string.Compare(d.Id, after) < 0);
        }
        var rows = await query.OrderByDescending(d => d.Id).Take(page.Limit + 1).ToListAsync(ct);
        return page.ToPage(rows.ConvertAll(ToView), d => d.Id);
    }

    public async Task<(DeliveryView View, string Payload)> GetDeliveryAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct)
            ?? throw DomainException.NotFound("id", $"No delivery \"{id}\".");
        return (ToView(row), row.Payload);
    }

    /// <summary>Puts a dead or failed delivery back in the queue, with the same request id.</summary>
    public async Task<DeliveryView> RedeliverAsync(string id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == id, ct)
            ?? throw DomainException.NotFound("id", $"No delivery \"{id}\".");
        if (row.Status is not (DeliveryStatus.Dead or DeliveryStatus.Failed))
        {
            throw DomainException.Invalid("id", $"Only FAILED or DEAD deliveries can be redelivered; this one is {WireNames.Of(row.Status)}.");
        }
        row.Status = DeliveryStatus.Pending;
        row.Attempts = 0;
        row.NextAttemptAt = time.GetUtcNow().UtcDateTime;
        AuditLog.Record(db, actor, "webhook.delivery.redeliver", "webhook_delivery", id, null, null, row.NextAttemptAt);
        await db.SaveChangesAsync(ct);
        DeliveriesChanged?.Invoke();
        return ToView(row);
    }

    /// <summary>Redelivers several dead or failed deliveries; returns how many were put back.</summary>
    public async Task<int> RedeliverManyAsync(IReadOnlyCollection<string> ids, string actor, CancellationToken ct = default)
    {
        var count = 0;
        foreach (var id in ids)
        {
            await RedeliverAsync(id, actor, ct);
            count++;
        }
        return count;
    }

    /// <summary>How many deliveries are in each state: the dashboard's health summary.</summary>
    public async Task<IReadOnlyDictionary<string, int>> HealthAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.WebhookDeliveries.AsNoTracking().GroupBy(d => d.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var failing = await db.WebhookDeliveries.CountAsync(d => d.Status == DeliveryStatus.Pending && d.Attempts > 0, ct);
        var result = Enum.GetValues<DeliveryStatus>().ToDictionary(WireNames.Of, s => counts.Find(c => c.Key == s)?.Count ?? 0);
        result["RETRYING"] = failing;
        return result;
    }

    /// <summary>Queues a delivery with one synthetic event, to check the receiver and its signature check.</summary>
    public async Task<DeliveryView> SendTestAsync(string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if ((await EndpointAsync(db, ct)).Url is null)
        {
            throw DomainException.Invalid("url", "Set the webhook url before sending a test event.");
        }
        if (!await db.WebhookSecrets.AnyAsync(s => s.RetiredAt == null, ct))
        {
            throw DomainException.Invalid("secrets", "Add a signing secret before sending a test event.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var sample = new BillingEvent(Ids.NewUlid(), BillingEvent.Rfc3339(now), "req_test", null, "test/model",
            "test-customer", "test0000000000ab", new BillingTokens(1, 1, 0), BillingEvent.ProviderSource, false);
        var row = NewDelivery(BillingEvent.Payload([sample]), 1, now);
        row.IsTest = true;
        db.WebhookDeliveries.Add(row);
        AuditLog.Record(db, actor, "webhook.test", "webhook_delivery", row.Id, null, null, now);
        await db.SaveChangesAsync(ct);
        DeliveriesChanged?.Invoke();
        return ToView(row);
    }

    public static WebhookDelivery NewDelivery(string payload, int events, DateTime now) => new()
    {
        Id = Ids.New("dlv"),
        RequestId = Guid.NewGuid(),
        Status = DeliveryStatus.Pending,
        Payload = payload,
        EventCount = events,
        CreatedAt = now,
        NextAttemptAt = now,
    };

    private static DeliveryStatus ParseStatus(string status) => WireNames.Parse<DeliveryStatus>(status)
        ?? throw DomainException.Invalid("status", $"status must be one of {WireNames.List<DeliveryStatus>()}.");

    internal static bool IsHttpUrl(string url) => url.Length <= 2048
        && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static async Task<WebhookEndpoint> EndpointAsync(FrontierDbContext db, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(ct);
        if (endpoint is null)
        {
            endpoint = new WebhookEndpoint();
            db.WebhookEndpoints.Add(endpoint);
        }
        return endpoint;
    }

    private static async Task<WebhookView> ViewAsync(FrontierDbContext db, WebhookEndpoint endpoint, CancellationToken ct)
    {
        var secrets = await db.WebhookSecrets.AsNoTracking().Where(s => s.RetiredAt == null).OrderBy(s => s.CreatedAt)
            .Select(s => new WebhookSecretView(s.Id, s.CreatedAt)).ToListAsync(ct);
        return new WebhookView(endpoint.Url, endpoint.Enabled, secrets);
    }

    internal static DeliveryView ToView(WebhookDelivery d) => new(d.Id, d.RequestId.ToString(), d.Status,
        d.EventCount, d.Attempts, d.CreatedAt, d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.LastAttemptAt,
        d.DeliveredAt, d.LastStatusCode, d.LastError, d.LastLatencyMs, d.IsTest);
}
