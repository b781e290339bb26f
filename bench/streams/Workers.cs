using System.Net;

namespace FrontierGateway.Bench.Streams;

/// <summary>
/// N workers, started evenly over the ramp, each running its passes one stream after the other (the first on a new
/// connection, the next ones on the kept-alive one). While all N hold a stream, <c>whileAllOpen</c> runs every 250 ms.
/// </summary>
internal sealed class Workers(Uri url, string key, byte[] body, string? intervalHeader)
{
    public static HttpClient NewClient() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    }) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task<StreamResult?[]> RunAsync(HttpClient client, int streams, int passes, TimeSpan ramp, int chunks,
        Action? whileAllOpen, CancellationToken ct)
    {
        var open = 0;
        var results = new StreamResult?[streams * passes];
        var workers = Enumerable.Range(0, streams).Select(async worker =>
        {
            await Task.Delay(ramp * worker / streams, ct);
            Interlocked.Increment(ref open);
            try
            {
                for (var pass = 0; pass < passes; pass++)
                {
                    using var request = NewRequest();
                    var result = await SseRead.RunAsync(client, request, chunks, pass == 0, ct);
                    results[worker * passes + pass] = result;
                    if (result.Error is not null)
                    {
                        break;
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref open);
            }
        }).ToArray();

        var all = Task.WhenAll(workers);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(250, CancellationToken.None));
            if (Volatile.Read(ref open) == streams)
            {
                whileAllOpen?.Invoke();
            }
        }
        try
        {
            await all;
        }
        catch (OperationCanceledException)
        {
            // Cancelled in a ramp's delay: that worker's streams are missing, and so counted as failed.
        }
        return results;
    }

    private HttpRequestMessage NewRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (intervalHeader is not null)
        {
            request.Headers.TryAddWithoutValidation(Stub.IntervalHeader, intervalHeader);
        }
        return request;
    }
}
