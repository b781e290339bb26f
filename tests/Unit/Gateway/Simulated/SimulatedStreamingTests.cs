using System.Diagnostics;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Simulated;
using FrontierGateway.Gateway.Wire;
using static FrontierGateway.Tests.Unit.Gateway.Simulated.SimulatedHarness;

namespace FrontierGateway.Tests.Unit.Gateway.Simulated;

public sealed class SimulatedStreamingTests
{
    private const string Messages = """ "messages":[{"role":"user","content":"Stream please."}] """;

    [Fact]
    public async Task WriteAsync_ChatStreamWithUsage_DeltasConcatenateToTheCountedText()
    {
        var sut = Model();

        var response = await sut.RunAsync(InferenceOperation.ChatCompletions,
            $$"""{"model":"acme/sim","stream":true,"stream_options":{"include_usage":true},"max_tokens":30,{{Messages}}}""");

        Assert.Equal((200, "text/event-stream"), (response.Status, response.ContentType));
        Assert.Equal("[DONE]", response.Events[^1]);
        var chunks = response.Chunks;
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string)c["object"]!));
        Assert.All(chunks, c => Assert.Equal("acme/sim", (string)c["model"]!));
        Assert.Single(chunks.Select(c => (string)c["id"]!).Distinct());
        var content = chunks[..^1];
        Assert.Equal(30, content.Count);
        Assert.All(content, c => Assert.True(c.ContainsKey("usage") && c["usage"] is null));
        Assert.Equal("assistant", (string)content[0]["choices"]![0]!["delta"]!["role"]!);
        Assert.All(content.Skip(1), c => Assert.False(c["choices"]![0]!["delta"]!.AsObject().ContainsKey("role")));
        Assert.All(content[..^1], c => Assert.Null(c["choices"]![0]!["finish_reason"]));
        Assert.Equal("length", (string)content[^1]["choices"]![0]!["finish_reason"]!);

        var text = string.Concat(content.Select(c => (string)c["choices"]![0]!["delta"]!["content"]!));
        var usageChunk = chunks[^1];
        Assert.Empty(usageChunk["choices"]!.AsArray());
        Assert.Equal(Tokens.Count(text), (int)usageChunk["usage"]!["completion_tokens"]!);
        Assert.Equal(30, (int)usageChunk["usage"]!["completion_tokens"]!);
        Assert.Equal(Tokens.CountPrompt(InferenceOperation.ChatCompletions, JsonNode.Parse($"{{{Messages}}}")!.AsObject()),
            (int)usageChunk["usage"]!["prompt_tokens"]!);
    }

    [Theory]
    [InlineData("")]
    [InlineData(""" "stream_options":{"include_usage":false}, """)]
    [InlineData(""" "stream_options":{"include_usage":"yes"}, """)]
    public async Task WriteAsync_StreamWithoutIncludeUsage_NoUsageAnywhere(string streamOptions)
    {
        var sut = Model();

        var response = await sut.RunAsync(InferenceOperation.ChatCompletions,
            $$"""{"model":"m","stream":true,{{streamOptions}}{{Messages}}}""");

        Assert.Equal("[DONE]", response.Events[^1]);
        Assert.All(response.Chunks, c => Assert.False(c.ContainsKey("usage")));
        Assert.All(response.Chunks, c => Assert.Single(c["choices"]!.AsArray()));
        Assert.Equal("stop", (string)response.Chunks[^1]["choices"]![0]!["finish_reason"]!);
    }

    [Fact]
    public async Task WriteAsync_CompletionsStream_TextChunksThenUsage()
    {
        var sut = Model();

        var response = await sut.RunAsync(InferenceOperation.Completions,
            """{"model":"m","prompt":"Once","stream":true,"stream_options":{"include_usage":true},"max_tokens":9}""");

        var chunks = response.Chunks;
        Assert.All(chunks, c => Assert.Equal("text_completion", (string)c["object"]!));
        var text = string.Concat(chunks[..^1].Select(c => (string)c["choices"]![0]!["text"]!));
        Assert.Equal(9, Tokens.Count(text));
        Assert.Equal(9, (int)chunks[^1]["usage"]!["completion_tokens"]!);
        Assert.Equal(1, (int)chunks[^1]["usage"]!["prompt_tokens"]!);
        Assert.Equal("[DONE]", response.Events[^1]);
    }

    [Fact]
    public async Task WriteAsync_ClientGoneMidStream_StopsQuietly()
    {
        var sut = Model();
        using var cts = new CancellationTokenSource();
        var output = new CancelAfterFlushes(3, cts);

        var response = await sut.RunAsync(InferenceOperation.ChatCompletions,
            $$"""{"model":"m","stream":true,"max_tokens":1000,{{Messages}}}""", output, cts.Token);

        Assert.InRange(response.Events.Count, 1, 3);
        Assert.DoesNotContain("[DONE]", response.Events);
    }

    [Fact]
    public async Task WriteAsync_TimeToFirstToken_NothingBeforeItAndCancelQuietly()
    {
        var sut = Model(new SimulatedOptions { TimeToFirstTokenMs = 600_000 });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var stopwatch = Stopwatch.StartNew();

        var response = await sut.RunAsync(InferenceOperation.ChatCompletions,
            $$"""{"model":"m","stream":true,{{Messages}}}""", ct: cts.Token);

        Assert.Equal((200, ""), (response.Status, response.Body));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task WriteAsync_TokensPerSecond_PacesTheChunks()
    {
        var sut = Model(new SimulatedOptions { TokensPerSecond = 200 });
        var stopwatch = Stopwatch.StartNew();

        var response = await sut.RunAsync(InferenceOperation.ChatCompletions,
            $$"""{"model":"m","stream":true,"max_tokens":21,{{Messages}}}""");

        // 21 tokens at 200/s: the last is due 20 gaps of 5 ms after the first.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(95), $"took {stopwatch.Elapsed}");
        Assert.Equal(21, response.Chunks.Count);
    }

    /// <summary>A client that goes away after reading a few events.</summary>
    private sealed class CancelAfterFlushes(int flushes, CancellationTokenSource cts) : MemoryStream
    {
        private int seen;

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            if (++seen >= flushes)
            {
                cts.Cancel();
            }

            return base.FlushAsync(cancellationToken);
        }
    }
}
