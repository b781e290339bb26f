using System.Buffers;
using System.Diagnostics;
using System.Text.Json;

namespace FrontierGateway.Bench.Streams;

/// <summary>What one stream did, in Stopwatch timestamps.</summary>
internal sealed class StreamResult(int chunks)
{
    public long Started { get; set; }
    public long FirstByte { get; set; }
    public long Ended { get; set; }
    public bool Cold { get; init; }
    public string? Error { get; set; }
    public bool Done { get; set; }
    /// <summary>When each content event arrived, in order (its read's timestamp).</summary>
    public long[] Arrivals { get; } = new long[chunks];
    public int ContentEvents { get; set; }
    public long? PromptTokens { get; set; }
    public long? CompletionTokens { get; set; }
}

/// <summary>One streamed chat completion, read as it arrives: every read is timestamped, and split into its events.</summary>
internal static class SseRead
{
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    public static async Task<StreamResult> RunAsync(HttpClient client, HttpRequestMessage request, int chunks, bool cold,
        CancellationToken ct)
    {
        var result = new StreamResult(chunks) { Cold = cold, Started = Stopwatch.GetTimestamp() };
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var text = await new StreamReader(body).ReadToEndAsync(ct);
                result.Error = $"HTTP {(int)response.StatusCode}: {text[..Math.Min(text.Length, 200)]}";
                return result;
            }
            var pending = 0;
            while (true)
            {
                if (pending == buffer.Length)
                {
                    result.Error = "an event longer than the read buffer";
                    return result;
                }
                var read = await body.ReadAsync(buffer.AsMemory(pending), ct);
                var now = Stopwatch.GetTimestamp();
                if (read == 0)
                {
                    break;
                }
                if (result.FirstByte == 0)
                {
                    result.FirstByte = now;
                }
                pending += read;
                var consumed = 0;
                int end;
                while ((end = buffer.AsSpan(consumed, pending - consumed).IndexOf(EventEnd)) >= 0)
                {
                    OnEvent(result, buffer.AsSpan(consumed, end), now);
                    consumed += end + EventEnd.Length;
                }
                buffer.AsSpan(consumed, pending - consumed).CopyTo(buffer);
                pending -= consumed;
            }
            result.Ended = Stopwatch.GetTimestamp();
            if (!result.Done)
            {
                result.Error = "the stream ended without data: [DONE]";
            }
            else if (result.ContentEvents != chunks)
            {
                result.Error = $"{result.ContentEvents} content events, not {chunks}";
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            result.Error = e.GetType().Name + ": " + e.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return result;
    }

    private static void OnEvent(StreamResult result, ReadOnlySpan<byte> sse, long now)
    {
        if (!sse.StartsWith("data:"u8))
        {
            return;
        }
        var data = sse[5..].Trim(" \r"u8);
        if (data.SequenceEqual("[DONE]"u8))
        {
            result.Done = true;
        }
        else if (data.IndexOf("\"choices\":[]"u8) >= 0)
        {
            ReadUsage(result, data);
        }
        else if (result.ContentEvents < result.Arrivals.Length)
        {
            result.Arrivals[result.ContentEvents++] = now;
        }
        else
        {
            result.ContentEvents++;
        }
    }

    private static void ReadUsage(StreamResult result, ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            result.PromptTokens = usage.GetProperty("prompt_tokens").GetInt64();
            result.CompletionTokens = usage.GetProperty("completion_tokens").GetInt64();
        }
    }
}
