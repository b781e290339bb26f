using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Keys;

public static class KeyQueries
{
    /// <summary>
    /// The customer keys that authenticate at <paramref name="now"/>: not revoked and not expired. Every count or list
    /// of live keys uses this one definition.
    /// </summary>
    /// <remarks>
    /// Revoked keys are already left out by the query filter; the condition is repeated so that the definition holds
    /// on a query that ignores the filters.
    /// </remarks>
    public static IQueryable<CustomerApiKey> Live(this IQueryable<CustomerApiKey> keys, DateTime now) =>
        keys.Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now));

    /// <summary>
    /// The group a key was minted under, revoked keys included (keys never move); null for a prefix no key has. A
    /// query of a key's calls or events also names its group, so that it walks the group's (GroupId, Timestamp) index
    /// instead of every call's time index (all of them, for a key rarely used).
    /// </summary>
    public static Task<string?> GroupOfAsync(FrontierDbContext db, string prefix, CancellationToken ct) =>
        db.CustomerApiKeys.IgnoreQueryFilters().AsNoTracking()
            .Where(k => k.Prefix == prefix).Select(k => k.GroupId).FirstOrDefaultAsync(ct);
}
