using System.Buffers.Text;
using System.Text;

namespace FrontierGateway.Data.Paging;

/// <summary>One page of a list ordered by a time-ordered id; the cursor is the last id, opaque to callers.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, bool HasMore, string? Cursor);

public sealed record PageRequest(int Limit, string? After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Parses <c>?limit=</c> and <c>?cursor=</c>, each absent when empty; bad values name the parameter.</summary>
    public static PageRequest Parse(string? limit, string? cursor)
    {
        (limit, cursor) = (QueryParameter.Given(limit), QueryParameter.Given(cursor));
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, out size) || size < 1 || size > MaxLimit))
        {
            throw DomainException.Invalid("limit", $"limit must be an integer from 1 to {MaxLimit}.");
        }
        return new PageRequest(size, cursor is null ? null : DecodeCursor(cursor));
    }

    public static string EncodeCursor(string lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes("c1:" + lastId));

    private static string DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            // A forged cursor's id goes into the query as it is (StoredText: U+0000 fails it on PostgreSQL).
            if (text.StartsWith("c1:", StringComparison.Ordinal) && text.Length > 3 && StoredText.CanHold(text))
            {
                return text[3..];
            }
        }
        catch (FormatException)
        {
        }
        throw DomainException.Invalid("cursor", "cursor is not a cursor this API returned.");
    }

    public Page<T> ToPage<T>(List<T> fetched, Func<T, string> id)
    {
        var hasMore = fetched.Count > Limit;
        var items = hasMore ? fetched.GetRange(0, Limit) : fetched;
        return new Page<T>(items, hasMore, hasMore ? EncodeCursor(id(items[^1])) : null);
    }
}
