// `--floor`: YARP alone plus the least per-call work any gateway of this kind must do, and nothing else: the key
// checked against its stored hash, a rate limiter taken, the whole body read and its "model" found, the model
// renamed to the upstream's in the forwarded body, and the response's usage read and added to the key's total in
// memory. No database, no journal, no daily limits, no metrics, no request id, no error documents beyond a status.
// What the gateway spends above this floor is its own; what the floor spends above YARP alone, no gateway avoids.
using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;

internal sealed class FloorMiddleware(RequestDelegate next, FloorKeys keys)
{
    private const int MaxBody = 32 * 1024 * 1024;
    private static readonly byte[] UpstreamModel = "\"stub\""u8.ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        if (keys.Find(context.Request.Headers.Authorization.ToString()) is not { } key)
        {
            context.Response.StatusCode = 401;
            return;
        }
        using var lease = key.Limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            context.Response.StatusCode = 429;
            return;
        }
        var length = context.Request.ContentLength ?? -1;
        if (length is < 0 or > MaxBody)
        {
            context.Response.StatusCode = length < 0 ? 411 : 413;
            return;
        }
        var body = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            await context.Request.Body.ReadExactlyAsync(body.AsMemory(0, (int)length), context.RequestAborted);
            if (FindModel(body.AsSpan(0, (int)length)) is not var (start, end))
            {
                context.Response.StatusCode = 400;
                return;
            }
            var forwarded = new byte[length - (end - start) + UpstreamModel.Length];
            body.AsSpan(0, start).CopyTo(forwarded);
            UpstreamModel.CopyTo(forwarded.AsSpan(start));
            body.AsSpan(end, (int)length - end).CopyTo(forwarded.AsSpan(start + UpstreamModel.Length));
            context.Request.Body = new MemoryStream(forwarded, writable: false);
            context.Request.ContentLength = forwarded.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
        var original = context.Response.Body;
        await using var metered = new MeteredStream(original);
        context.Response.Body = metered;
        await next(context);
        key.AddTokens(metered.TotalTokens());
        context.Response.Body = original;
    }

    /// <summary>The top-level "model" string value's bytes, quotes included; null when there is none.</summary>
    private static (int Start, int End)? FindModel(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isModel = reader.ValueTextEquals("model"u8);
            reader.Read();
            if (isModel && reader.TokenType == JsonTokenType.String)
            {
                var start = (int)reader.TokenStartIndex;
                return (start, start + reader.ValueSpan.Length + 2);
            }
            reader.Skip();
        }
        return null;
    }
}

/// <summary>Passes the response through, keeping its first 64 KB to read the usage from once it has ended.</summary>
internal sealed class MeteredStream(Stream inner) : Stream
{
    private readonly byte[] kept = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int length;

    /// <summary>The usage's total_tokens of a JSON response; 0 for any other (a stream, an error page, over 64 KB).</summary>
    public long TotalTokens()
    {
        try
        {
            return Read(new Utf8JsonReader(kept.AsSpan(0, length)));
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private static long Read(Utf8JsonReader reader)
    {
        var inUsage = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 1)
            {
                inUsage = false;
            }
            else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                inUsage = reader.ValueTextEquals("usage"u8);
            }
            else if (reader.TokenType == JsonTokenType.PropertyName && inUsage && reader.ValueTextEquals("total_tokens"u8))
            {
                reader.Read();
                return reader.TryGetInt64(out var total) ? total : 0;
            }
        }
        return 0;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        var room = Math.Min(buffer.Length, kept.Length - length);
        buffer.Span[..room].CopyTo(kept.AsSpan(length));
        length += room;
        await inner.WriteAsync(buffer, ct);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);

    public override ValueTask DisposeAsync()
    {
        ArrayPool<byte>.Shared.Return(kept);
        return ValueTask.CompletedTask;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();
}

/// <summary>The floor's keys (prefix.secret): the secret's SHA-256 stored, a rate limiter and a token total each.</summary>
internal sealed class FloorKeys
{
    private readonly ConcurrentDictionary<string, FloorKey> byPrefix = new(StringComparer.Ordinal);

    public FloorKeys(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            var dot = key.IndexOf('.');
            byPrefix[key[..dot]] = new FloorKey(SHA256.HashData(Encoding.UTF8.GetBytes(key[(dot + 1)..])));
        }
    }

    public FloorKey? Find(string authorization)
    {
        const string Bearer = "Bearer ";
        var dot = authorization.StartsWith(Bearer, StringComparison.Ordinal) ? authorization.IndexOf('.', Bearer.Length) : -1;
        if (dot < 0)
        {
            return null;
        }
        if (!byPrefix.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(authorization.AsSpan(Bearer.Length, dot - Bearer.Length), out var key))
        {
            return null;
        }
        Span<byte> secret = stackalloc byte[256];
        var secretChars = authorization.AsSpan(dot + 1);
        if (secretChars.Length > secret.Length)
        {
            return null;
        }
        var written = Encoding.UTF8.GetBytes(secretChars, secret);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(secret[..written], hash);
        return CryptographicOperations.FixedTimeEquals(hash, key.SecretHash) ? key : null;
    }
}

internal sealed class FloorKey(byte[] secretHash)
{
    // The key's metered total, as a gateway keeps one; the floor only adds to it.
    private long tokens;

    public byte[] SecretHash { get; } = secretHash;

    public RateLimiter Limiter { get; } = new TokenBucketRateLimiter(new()
    {
        TokenLimit = 1_000_000_000, TokensPerPeriod = 1_000_000_000, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
    });

    public void AddTokens(long count) => Interlocked.Add(ref tokens, count);
}
