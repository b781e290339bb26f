using System.Text;
using FrontierGateway.Gateway.Metering;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

public sealed class MeteringStreamTests
{
    private const string Chunk = """data: {"choices":[{"delta":{"content":"Hel"}}]}""";
    private const string Usage = """data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":3}}}""";

    [Fact]
    public async Task EventStream_SplitAcrossWrites_PassesEveryEvent_AndReadsUsage()
    {
        var sse = $"{Chunk}\n\n{Chunk.Replace("Hel", "lo")}\r\n\r\n{Usage}\n\ndata: [DONE]\n\n";
        var (client, meter) = await MeterAsync(sse, eventStream: true, hideUsage: false, pieces: 7);

        Assert.Equal(sse, client);
        Assert.Equal(new TokenUsage(7, 2, 3), meter.Usage);
        Assert.Equal("Hello", meter.DeliveredText);
    }

    [Fact]
    public async Task EventStream_HidesTheUsageChunk_WhenTheClientDidNotAskForIt()
    {
        var sse = $"{Chunk}\n\n{Usage}\n\ndata: [DONE]\n\n";
        var (client, meter) = await MeterAsync(sse, eventStream: true, hideUsage: true, pieces: 3);

        Assert.Equal($"{Chunk}\n\ndata: [DONE]\n\n", client);
        Assert.Equal(7, meter.Usage!.Value.Input);
    }

    [Fact]
    public async Task EventStream_UnterminatedLastEvent_StillReachesTheClient()
    {
        var (client, meter) = await MeterAsync(Chunk, eventStream: true, hideUsage: false, pieces: 2);

        Assert.Equal(Chunk, client);
        Assert.Null(meter.Usage);
        Assert.Equal("Hel", meter.DeliveredText);
    }

    [Fact]
    public async Task JsonBody_ReadsUsage_AndOnlyKeepsTheTextWhenUsageIsMissing()
    {
        const string withUsage = """{"choices":[{"message":{"content":"Hi"}}],"usage":{"prompt_tokens":4,"completion_tokens":1}}""";
        const string without = """{"choices":[{"message":{"content":"Hi there"}}]}""";

        var (client, metered) = await MeterAsync(withUsage, eventStream: false, hideUsage: false, pieces: 5);
        var (_, estimated) = await MeterAsync(without, eventStream: false, hideUsage: false, pieces: 1);

        Assert.Equal(withUsage, client);
        Assert.Equal(new TokenUsage(4, 1, 0), metered.Usage);
        Assert.Equal("", metered.DeliveredText);
        Assert.Null(estimated.Usage);
        Assert.Equal("Hi there", estimated.DeliveredText);
    }

    [Fact]
    public async Task JsonBody_LastWrite_IsHeldUntilRelease()
    {
        var sink = new MemoryStream();
        using var sut = new MeteringStream(sink, () => false, hideUsageChunk: false);

        await sut.WriteAsync("{\"usage\":"u8.ToArray());
        await sut.WriteAsync("{\"prompt_tokens\":1,\"completion_tokens\":2}}"u8.ToArray());
        sut.Complete();

        // The client has all but the last write: it cannot see a complete body before the event is journaled.
        Assert.Equal("{\"usage\":", Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal(new TokenUsage(1, 2, 0), sut.Usage);
        await sut.ReleaseAsync(CancellationToken.None);
        Assert.Equal("{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}", Encoding.UTF8.GetString(sink.ToArray()));
    }

    [Fact]
    public async Task EventStream_DoneEvent_IsHeldUntilRelease_WhileEarlierEventsGoAtOnce()
    {
        var sink = new MemoryStream();
        using var sut = new MeteringStream(sink, () => true, hideUsageChunk: false);

        await sut.WriteAsync(Encoding.UTF8.GetBytes($"{Chunk}\n\n{Usage}\n\n"));
        await sut.WriteAsync("data: [DONE]\n\n"u8.ToArray());
        sut.Complete();

        Assert.Equal($"{Chunk}\n\n{Usage}\n\n", Encoding.UTF8.GetString(sink.ToArray()));
        await sut.ReleaseAsync(CancellationToken.None);
        Assert.EndsWith("data: [DONE]\n\n", Encoding.UTF8.GetString(sink.ToArray()));
    }

    [Fact]
    public async Task EventStream_SplitIntoTwoWritesAtEveryByte_ReadsAndPassesTheSame()
    {
        // Multi-byte characters (2, 3 and 4 bytes) so that some cuts fall inside one; CRLF events; usage before the end.
        var sse = $"{Chunk.Replace("Hel", "caf\\u00e9 é")}\n\n{Chunk.Replace("Hel", "日本😀")}\r\n\r\n{Usage}\n\n"
            + $"{Chunk.Replace("Hel", "\\n!")}\n\ndata: [DONE]\n\n";
        var bytes = Encoding.UTF8.GetBytes(sse);

        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var sink = new MemoryStream();
            using var sut = new MeteringStream(sink, () => true, hideUsageChunk: false);
            await sut.WriteAsync(bytes.AsMemory(0, cut));
            await sut.WriteAsync(bytes.AsMemory(cut));
            sut.Complete();
            await sut.ReleaseAsync(CancellationToken.None);

            Assert.Equal(bytes, sink.ToArray());
            Assert.Equal(new TokenUsage(7, 2, 3), sut.Usage);
            Assert.Equal("café é日本😀\n!", sut.DeliveredText);
        }
    }

    [Fact]
    public async Task EventStream_UsageInAnEarlierEvent_IsKeptThroughLaterChunks()
    {
        var early = Usage.Replace("\"choices\":[]", "\"choices\":[{\"delta\":{\"content\":\"lo\"}}]");
        var sse = $"{Chunk}\n\n{early}\n\n{Chunk.Replace("}]}", "}],\"usage\":null}")}\n\ndata: [DONE]\n\n";

        var (client, meter) = await MeterAsync(sse, eventStream: true, hideUsage: true, pieces: 4);

        // It carries text too, so it is no usage-only chunk: the client gets it even though it did not ask for usage.
        Assert.Equal(sse, client);
        Assert.Equal(new TokenUsage(7, 2, 3), meter.Usage);
        Assert.Equal("HelloHel", meter.DeliveredText);
    }

    [Fact]
    public async Task EventStream_CutOffMidEvent_CountsTheWholeEventsOnly()
    {
        var sse = $"{Chunk}\n\n{Chunk.Replace("Hel", "lo")}\n\n{Chunk[..^9]}";

        var (client, meter) = await MeterAsync(sse, eventStream: true, hideUsage: false, pieces: 3);

        Assert.Equal(sse, client);
        Assert.Null(meter.Usage);
        Assert.Equal("Hello", meter.DeliveredText);
    }

    [Theory]
    [InlineData("data: [DONE]\n\n")]
    [InlineData("data:[DONE]\r\n\r\n")]
    [InlineData("data: [DONE] \n\n: trailing comment\n\n")]
    public async Task EventStream_DoneInTheSameReadAsChunks_ChunksGoAtOnce_DoneAndAfterAreHeld(string done)
    {
        var sink = new MemoryStream();
        using var sut = new MeteringStream(sink, () => true, hideUsageChunk: false);

        await sut.WriteAsync(Encoding.UTF8.GetBytes($"{Chunk}\n\n{Chunk}\n\n{done}"));
        sut.Complete();

        Assert.Equal($"{Chunk}\n\n{Chunk}\n\n", Encoding.UTF8.GetString(sink.ToArray()));
        await sut.ReleaseAsync(CancellationToken.None);
        Assert.Equal($"{Chunk}\n\n{Chunk}\n\n{done}", Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal("HelHel", sut.DeliveredText);
    }

    [Fact]
    public async Task EventStream_EventsOfOneRead_GoInOneWriteAndOneFlush_AroundTheHiddenUsageChunk()
    {
        var sink = new RecordingStream();
        using var sut = new MeteringStream(sink, () => true, hideUsageChunk: true);

        await sut.WriteAsync(Encoding.UTF8.GetBytes($"{Chunk}\n\n{Chunk}\n\n{Usage}\n\n{Chunk}\n\n{Chunk[..10]}"));

        Assert.Equal([$"{Chunk}\n\n{Chunk}\n\n", $"{Chunk}\n\n"], sink.Writes);
        Assert.Equal(1, sink.Flushes);
        Assert.NotNull(sut.FirstEventAt);
    }

    /// <summary>
    /// One event's data may span several data: lines (an SSE client joins them with LF: the OpenAI SDKs parse the
    /// joined text as JSON). The usage-only chunk so written is the same chunk: it must be read and hidden.
    /// </summary>
    [Fact]
    public async Task EventStream_MultiLineDataField_UsageChunkIsReadAndHidden()
    {
        const string multiLineUsage = "data: {\"choices\":[],\ndata: \"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}";
        var sse = $"{Chunk}\n\n{multiLineUsage}\n\ndata: [DONE]\n\n";

        var (client, meter) = await MeterAsync(sse, eventStream: true, hideUsage: true, pieces: 3);

        Assert.Equal(new TokenUsage(7, 2, 0), meter.Usage);
        Assert.Equal($"{Chunk}\n\ndata: [DONE]\n\n", client);
    }

    /// <summary>A content chunk whose data spans two lines: its text reaches the client, so the tokenizer must count it.</summary>
    [Fact]
    public async Task EventStream_MultiLineDataField_TextIsCounted()
    {
        const string multiLine = "data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"Hello world\"}}]}";
        var sse = $"{multiLine}\n\ndata: [DONE]\n\n";

        var (_, meter) = await MeterAsync(sse, eventStream: true, hideUsage: false, pieces: 2);

        Assert.Null(meter.Usage);
        Assert.Equal("Hello world", meter.DeliveredText);
    }

    /// <summary>
    /// A CRLF event followed in the same read by an LF one (a keep-alive or [DONE] written by another layer): the
    /// two are separate events. Hiding the usage chunk must not drop the content chunk before it, nor [DONE].
    /// </summary>
    [Fact]
    public async Task EventStream_CrlfEventThenLfEvent_HidingUsageKeepsTheOtherEvents()
    {
        var sse = $"{Chunk}\r\n\r\n{Usage}\n\ndata: [DONE]\n\n";

        var (client, meter) = await MeterAsync(sse, eventStream: true, hideUsage: true, pieces: 1);

        Assert.Equal(7, meter.Usage!.Value.Input);
        Assert.Equal($"{Chunk}\r\n\r\ndata: [DONE]\n\n", client);
    }

    /// <summary>Data lines that are each a whole payload (no SSE client would parse them joined) are read one by one, as before.</summary>
    [Fact]
    public async Task EventStream_DataLinesEachAPayload_AreEachRead()
    {
        var sse = $"{Chunk}\n{Usage}\n\ndata: [DONE]\n\n";

        var (_, meter) = await MeterAsync(sse, eventStream: true, hideUsage: false, pieces: 2);

        Assert.Equal(new TokenUsage(7, 2, 3), meter.Usage);
        Assert.Equal("Hel", meter.DeliveredText);
    }

    private static async Task<(string Client, MeteringStream Meter)> MeterAsync(string body, bool eventStream, bool hideUsage, int pieces)
    {
        var sink = new MemoryStream();
        var meter = new MeteringStream(sink, () => eventStream, hideUsage);
        var bytes = Encoding.UTF8.GetBytes(body);
        var size = (bytes.Length + pieces - 1) / pieces;
        for (var at = 0; at < bytes.Length; at += size)
        {
            await meter.WriteAsync(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        }
        meter.Complete();
        await meter.ReleaseAsync(CancellationToken.None);
        Assert.Equal(bytes.Length, meter.BytesWritten);
        return (Encoding.UTF8.GetString(sink.ToArray()), meter);
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<string> Writes { get; } = [];

        public int Flushes { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
        {
            Writes.Add(Encoding.UTF8.GetString(data.Span));
            return base.WriteAsync(data, ct);
        }

        public override Task FlushAsync(CancellationToken ct)
        {
            Flushes++;
            return base.FlushAsync(ct);
        }
    }
}
