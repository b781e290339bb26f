using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Paging;
using FrontierGateway.Data.Pricing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Endpoints;

/// <summary>Endpoints route a slug to upstream targets; upstream secrets are stored encrypted.</summary>
public sealed class EndpointService(IDbContextFactory<FrontierDbContext> dbFactory, IDataProtectionProvider protection,
    IChangeBus changes, TimeProvider time)
{
    public const string SecretPurpose = "FrontierGateway.EndpointSecrets.v1";
    private readonly IDataProtector protector = protection.CreateProtector(SecretPurpose);

    public async Task<EndpointView> CreateAsync(EndpointInput input, string actor, CancellationToken ct = default)
    {
        CheckSlug(input.Slug);
        var now = time.GetUtcNow().UtcDateTime;
        var endpoint = new Endpoint { Id = Ids.New("ep"), Slug = input.Slug!, CreatedAt = now, UpdatedAt = now };
        endpoint.Targets = Protect(TargetParser.Parse(input.Targets, endpoint.Id), []);
        SetPrice(endpoint, PriceParser.Parse(input.Price));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureSlugFreeAsync(db, endpoint.Slug, null, ct);
        db.Endpoints.Add(endpoint);
        AuditLog.Record(db, actor, "endpoint.create", "endpoint", endpoint.Id, null, ToView(endpoint), now);
        await SaveAsync(db, endpoint.Slug, ct);
        return ToView(endpoint);
    }

    public async Task<Page<EndpointView>> ListAsync(PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = WithTargets(db);
        if (page.After is { } after)
        {
            query = query.Where(e => string.Compare(e.Id, after) > 0);
        }
        var endpoints = await query.OrderBy(e => e.Id).Take(page.Limit + 1).ToListAsync(ct);
        return page.ToPage(endpoints.ConvertAll(ToView), e => e.Id);
    }

    /// <summary>Every endpoint's slug, in order: the portal suggests them when a group is given models.</summary>
    public async Task<IReadOnlyList<string>> ListSlugsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Endpoints.AsNoTracking().OrderBy(e => e.Slug).Select(e => e.Slug).ToListAsync(ct);
    }

    public async Task<EndpointView> GetAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ToView(await FindOrThrowAsync(db, id, ct));
    }

    public async Task<EndpointView> PatchAsync(string id, EndpointInput input, string actor, CancellationToken ct = default)
    {
        if (input.Slug is null && input.Targets is null && input.Price.ValueKind == System.Text.Json.JsonValueKind.Undefined)
        {
            throw DomainException.Invalid("slug", "Give at least one of slug, targets and price.");
        }
        // Checked before anything changes: a bad price leaves the endpoint as it was.
        var price = PriceParser.Parse(input.Price);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PatchOnceAsync(id, input, price, actor, ct);
            }
            catch (DbUpdateException e) when (attempt < MaxAttempts
                && (e is DbUpdateConcurrencyException || SaveFailures.IsForeignKeyViolation(e)))
            {
                // Another write changed (its targets replaced) or removed the endpoint after it was read (a new target
                // then refers to no endpoint): read it again, and apply this patch to what is there now (or answer
                // 404), as if it had come second.
            }
        }
    }

    /// <summary>Tries of a patch whose endpoint another write keeps changing under it; the last failure is a 500.</summary>
    private const int MaxAttempts = 3;

    private async Task<EndpointView> PatchOnceAsync(string id, EndpointInput input, (bool Keep, ModelPrice? Price) price,
        string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await FindOrThrowAsync(db, id, ct);
        var before = ToView(endpoint);
        if (input.Slug is not null)
        {
            CheckSlug(input.Slug);
            await EnsureSlugFreeAsync(db, input.Slug, id, ct);
            endpoint.Slug = input.Slug;
        }
        if (input.Targets is not null)
        {
            var targets = Protect(TargetParser.Parse(input.Targets, id), endpoint.Targets);
            db.EndpointTargets.RemoveRange(endpoint.Targets);
            endpoint.Targets = targets;
        }
        SetPrice(endpoint, price);
        endpoint.UpdatedAt = time.GetUtcNow().UtcDateTime;
        AuditLog.Record(db, actor, "endpoint.update", "endpoint", id, before, ToView(endpoint), endpoint.UpdatedAt);
        await SaveAsync(db, endpoint.Slug, ct);
        return ToView(endpoint);
    }

    public async Task<DeletedEndpointView> DeleteAsync(string id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await FindOrThrowAsync(db, id, ct);
        var now = time.GetUtcNow().UtcDateTime;
        db.Endpoints.Remove(endpoint);
        AuditLog.Record(db, actor, "endpoint.delete", "endpoint", id, ToView(endpoint), null, now);
        ChangeJournal.Record(db, ChangeSet.EndpointsChanged, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another delete removed it after it was read: the second delete's 404.
            throw DomainException.NotFound("id", $"No endpoint \"{id}\".");
        }
        await changes.PublishAsync(ChangeSet.EndpointsChanged, ct);
        return new DeletedEndpointView(id, endpoint.Slug, now);
    }

    /// <summary>The plaintext upstream credential of a target, for the proxy only.</summary>
    public string? Unprotect(EndpointTarget target) =>
        target.ProtectedSecret is null ? null : protector.Unprotect(target.ProtectedSecret);

    private List<EndpointTarget> Protect(List<(EndpointTarget Target, string? Secret)> parsed, List<EndpointTarget> old)
    {
        foreach (var (target, secret) in parsed)
        {
            // A replaced target that omits its secret keeps the one stored for the same upstream.
            target.ProtectedSecret = secret is not null
                ? protector.Protect(secret)
                : old.Find(o => o.Provider == target.Provider && o.BaseUrl == target.BaseUrl)?.ProtectedSecret;
        }
        return parsed.ConvertAll(p => p.Target);
    }

    private static void SetPrice(Endpoint endpoint, (bool Keep, ModelPrice? Price) parsed)
    {
        if (!parsed.Keep)
        {
            endpoint.PriceCurrency = parsed.Price?.Currency;
            endpoint.InputPricePerMillion = parsed.Price?.InputPerMillion;
            endpoint.OutputPricePerMillion = parsed.Price?.OutputPerMillion;
        }
    }

    /// <summary>The slug's price as stored; null when it has none.</summary>
    public static ModelPrice? PriceOf(Endpoint e) =>
        e is { PriceCurrency: { } currency, InputPricePerMillion: { } input, OutputPricePerMillion: { } output }
            ? new ModelPrice(currency, input, output)
            : null;

    private static IQueryable<Endpoint> WithTargets(FrontierDbContext db) =>
        db.Endpoints.Include(e => e.Targets.OrderBy(t => t.Position));

    private static async Task<Endpoint> FindOrThrowAsync(FrontierDbContext db, string id, CancellationToken ct) =>
        await WithTargets(db).FirstOrDefaultAsync(e => e.Id == id, ct)
        ?? throw DomainException.NotFound("id", $"No endpoint \"{id}\".");

    private static void CheckSlug(string? slug)
    {
        if (!ModelParser.IsValidSlug(slug))
        {
            throw DomainException.Invalid("slug", "slug must look like \"org/name\" (letters, digits, '.', '_', '-').");
        }
    }

    private static async Task EnsureSlugFreeAsync(FrontierDbContext db, string slug, string? exceptId, CancellationToken ct)
    {
        if (await db.Endpoints.AnyAsync(e => e.Slug == slug && e.Id != exceptId, ct))
        {
            throw DuplicateSlug(slug);
        }
    }

    private static DomainException DuplicateSlug(string slug) =>
        DomainException.Invalid("slug", $"slug \"{slug}\" already has an endpoint.", "duplicate");

    private async Task SaveAsync(FrontierDbContext db, string slug, CancellationToken ct)
    {
        ChangeJournal.Record(db, ChangeSet.EndpointsChanged, time.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (SaveFailures.IsUniqueViolation(e))
        {
            // Another write took the slug after the check; the unique index decided.
            throw DuplicateSlug(slug);
        }
        await changes.PublishAsync(ChangeSet.EndpointsChanged, ct);
    }

    internal static EndpointView ToView(Endpoint e) => new(e.Id, e.Slug,
        e.Targets.ConvertAll(t => new TargetView(t.Provider, t.BaseUrl, t.TargetModel, t.ModelId,
            t.EnvironmentName, t.ProtectedSecret is not null, t.Weight, t.Priority)),
        e.CreatedAt, e.UpdatedAt, PriceOf(e) is { } p
            ? new PriceView(p.Currency, ModelPrice.Format(p.InputPerMillion), ModelPrice.Format(p.OutputPerMillion))
            : null);
}
