namespace FrontierGateway.Data.Paging;

/// <summary>
/// A list's query parameter as the caller sent it. The SPEC writes the list calls as <c>?external_entity_id=&amp;limit=&amp;cursor=</c>,
/// and a client that always sends every parameter sends the ones it has no value for (the first page's cursor, no
/// filter) empty: an empty value is taken as absent. It loses no filter: no stored value a list filters on is empty.
/// </summary>
public static class QueryParameter
{
    /// <summary><paramref name="value"/>, or null when it is missing or empty; a non-empty value is kept as sent, to be checked.</summary>
    public static string? Given(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
