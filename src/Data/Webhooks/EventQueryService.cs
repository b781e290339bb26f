using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Data.Paging;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Webhooks;

/// <summary>The raw query of <c>GET /v1/gateway/events</c>, as strings, validated here.</summary>
public sealed record EventQueryInput(string? StartTime, string? EndTime, string? ExternalEntityId, string? ApiKeyPrefix,
    string? Limit, string? Cursor);

/// <summary>What a page of events is taken from: a time range, the filters, and the order.</summary>
internal sealed record EventWindow(DateTime Start, DateTime End, string? External, string? Prefix, bool NewestFirst)
{
    /// <summary>The group of the key <see cref="Prefix"/> names, when a key has it (<see cref="KeyQueries.GroupOfAsync"/>).</summary>
    public string? KeysGroup { get; init; }
}

/// <summary>Billing events in ascending time, for pulling instead of (or besides) webhooks.</summary>
public sealed class EventQueryService(IDbContextFactory<FrontierDbContext> dbFactory, TimeProvider time)
{
    // What a cursor carries: the whole query, and the last event returned.
    private sealed record CursorState(DateTime Start, DateTime End, string? External, string? Prefix, DateTime LastTime,
        string LastKey, bool NewestFirst = false);

    /// <summary>One page of events in ascending time, as the API answers.</summary>
    public Task<Page<BillingEvent>> ListAsync(EventQueryInput input, CancellationToken ct = default) =>
        ListAsync(input, newestFirst: false, ct);

    /// <summary>One page of events, newest first: the portal's list. Its cursor keeps that order.</summary>
    public Task<Page<BillingEvent>> ListNewestFirstAsync(EventQueryInput input, CancellationToken ct = default) =>
        ListAsync(input, newestFirst: true, ct);

    private async Task<Page<BillingEvent>> ListAsync(EventQueryInput input, bool newestFirst, CancellationToken ct)
    {
        var size = PageRequest.Parse(input.Limit, null).Limit;
        var state = QueryParameter.Given(input.Cursor) is { } cursor ? Decode(cursor) : null;
        var start = state?.Start ?? ParseTime(input.StartTime, "start_time")
            ?? throw DomainException.Invalid("start_time", "start_time is required (RFC 3339, e.g. 2026-05-13T12:00:00Z) unless cursor is given.");
        var end = state?.End ?? ParseTime(input.EndTime, "end_time") ?? time.GetUtcNow().UtcDateTime;
        if (end <= start)
        {
            throw DomainException.Invalid("end_time", "end_time must be after start_time.");
        }
        var external = state is null ? QueryParameter.Given(input.ExternalEntityId) : state.External;
        var prefix = state is null ? QueryParameter.Given(input.ApiKeyPrefix) : state.Prefix;
        var descending = state?.NewestFirst ?? newestFirst;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var window = new EventWindow(start, end, external, prefix, descending)
        {
            KeysGroup = prefix is null ? null : await KeyQueries.GroupOfAsync(db, prefix, ct),
        };
        var after = state is null ? ((DateTime, string)?)null : (state.LastTime, state.LastKey);
        var rows = await Page(db, window, after).Take(size + 1).ToListAsync(ct);
        var hasMore = rows.Count > size;
        var items = hasMore ? rows.GetRange(0, size) : rows;
        var next = hasMore ? Encode(new CursorState(start, end, external, prefix, items[^1].Timestamp, items[^1].IdempotencyKey, descending)) : null;
        return new Page<BillingEvent>(items.ConvertAll(BillingEvent.From), hasMore, next);
    }

    /// <summary>The events of one page: the window's, in its order, after the last event of the previous page.</summary>
    internal static IQueryable<UsageEvent> Page(FrontierDbContext db, EventWindow window, (DateTime Time, string Key)? after)
    {
        var (start, end, external, prefix, descending) = window;
        var query = db.UsageEvents.AsNoTracking();
        if (external is not null)
        {
            query = query.Where(e => e.ExternalEntityId == external);
        }
        if (prefix is not null)
        {
            query = query.Where(e => e.ApiKeyPrefix == prefix);
        }
        if (window.KeysGroup is { } group)
        {
            query = query.Where(e => e.GroupId == group);
        }
        // After a cursor, its time is the range's bound on that side instead of the window's, and the rest of that time
        // is filtered out. SQLite seeks an index to the first bound of a column it is given and only filters with a
        // second one, and cannot seek on "later, or the same time and a greater key" at all: in those shapes a page
        // 90,000 events into one customer's day read all of them (10 ms against 0.1 ms, 1 million events). A cursor
        // outside the window (only a forged one) takes what it took in those shapes: the whole window, or nothing.
        query = (after, descending) switch
        {
            ((var t, var k), false) when t >= start => query.Where(e => e.Timestamp >= t && e.Timestamp < end
                && !(e.Timestamp == t && string.Compare(e.IdempotencyKey, k) <= 0)),
            ((var t, var k), true) when t < end => query.Where(e => e.Timestamp >= start && e.Timestamp <= t
                && !(e.Timestamp == t && string.Compare(e.IdempotencyKey, k) >= 0)),
            _ => query.Where(e => e.Timestamp >= start && e.Timestamp < end),
        };
        return descending
            ? query.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.IdempotencyKey)
            : query.OrderBy(e => e.Timestamp).ThenBy(e => e.IdempotencyKey);
    }

    private static DateTime? ParseTime(string? value, string param)
    {
        if (QueryParameter.Given(value) is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.UtcDateTime
            : throw DomainException.Invalid(param, $"{param} must be an RFC 3339 timestamp such as 2026-05-13T12:00:00Z.");
    }

    private static string Encode(CursorState state) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(state)));

    /// <summary>
    /// Longer than any cursor this API returns: one is returned only when its filters matched events, so its external id
    /// (at most 255 characters, each at most 12 in JSON: one outside the BMP is two escaped UTF-16 units) and key prefix
    /// are those of stored events. 255 emoji make a cursor of about 4,400 characters; Kestrel refuses a request line over 8 KB.
    /// </summary>
    private const int MaxCursorLength = 8192;

    /// <summary>
    /// The state of a cursor this API returned. Anything else (not base64url, not JSON, fields missing or of the
    /// wrong type, times that no query of ours gives) is refused naming <c>cursor</c>: its fields are not the
    /// caller's parameters, and naming one of them would send the caller looking in the wrong place.
    /// </summary>
    private static CursorState Decode(string cursor)
    {
        try
        {
            if (cursor.Length <= MaxCursorLength
                && JsonSerializer.Deserialize<CursorState>(Base64Url.DecodeFromChars(cursor)) is { } state && IsValid(state))
            {
                return state;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }
        throw DomainException.Invalid("cursor", "cursor is not a cursor this API returned.");
    }

    /// <summary>
    /// Whether <paramref name="state"/> has what every cursor <see cref="ListAsync"/> writes has: UTC times, a time
    /// range that is not empty, a last event, and text a query can hold (<see cref="StoredText"/>). (Its last time is
    /// not checked against the range: PostgreSQL keeps microseconds, so an event can read back a few ticks before a
    /// start_time given to the 100 ns.)
    /// </summary>
    private static bool IsValid(CursorState state) =>
        state is { Start.Kind: DateTimeKind.Utc, End.Kind: DateTimeKind.Utc, LastTime.Kind: DateTimeKind.Utc, LastKey.Length: > 0 }
        && state.Start < state.End
        && StoredText.CanHold(state.External) && StoredText.CanHold(state.Prefix) && StoredText.CanHold(state.LastKey);
}
