using FrontierGateway.Data.Entities;

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
}
