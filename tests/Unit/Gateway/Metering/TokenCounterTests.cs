using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Inference;
using FrontierGateway.Gateway.Metering;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

public sealed class TokenCounterTests
{
    private readonly TokenCounter sut = new();

    [Theory]
    [InlineData("Hello, world!", 4)]
    [InlineData("Hello", 1)]
    [InlineData("", 0)]
    public void Count_KnownText_HasTheO200kCount(string text, int expected) => Assert.Equal(expected, sut.Count(text));

    [Fact]
    public void Count_ManyThreadsAtOnce_AllAgree()
    {
        var text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 50)).TrimEnd();

        var counts = Enumerable.Range(0, 64).AsParallel().Select(_ => sut.Count(text)).Distinct().ToList();

        Assert.Equal([sut.Count(text)], counts);
        Assert.Equal(500, counts[0]);
    }

    [Fact]
    public void CountPrompt_ChatStringContents_ContentPlusThreePerMessagePlusThree()
    {
        var body = Body("""{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello, world!"}]}""");

        Assert.Equal(sut.Count("Be brief.") + 4 + (2 * 3) + 3, sut.CountPrompt(InferenceOperation.ChatCompletions, body));
    }

    [Fact]
    public void CountPrompt_ChatContentParts_CountsOnlyTextParts()
    {
        var body = Body("""
            {"messages":[{"role":"user","content":[
              {"type":"text","text":"Hello, world!"},
              {"type":"image_url","image_url":{"url":"https://example.com/a.png"}},
              {"type":"text","text":"Hello"}]}]}
            """);

        Assert.Equal(4 + 1 + 3 + 3, sut.CountPrompt(InferenceOperation.ChatCompletions, body));
    }

    [Fact]
    public void CountPrompt_MessageWithOddContent_CountsOnlyTheOverhead()
    {
        var body = Body("""{"messages":[{"role":"user","content":5},{"role":"user"},{"role":"user","content":[1,{"type":"text","text":7}]}]}""");

        Assert.Equal((3 * 3) + 3, sut.CountPrompt(InferenceOperation.ChatCompletions, body));
    }

    [Theory]
    [InlineData("""{"prompt":"Hello, world!"}""", 4)]
    [InlineData("""{"prompt":["Hello, world!","Hello"]}""", 5)]
    [InlineData("""{"prompt":[[1,2,3],[4]]}""", 4)]
    public void CountPrompt_Completions_CountsThePrompt(string json, int expected) =>
        Assert.Equal(expected, sut.CountPrompt(InferenceOperation.Completions, Body(json)));

    [Theory]
    [InlineData("""{"input":"Hello, world!"}""", 4)]
    [InlineData("""{"input":["Hello, world!","Hello","Hello"]}""", 6)]
    [InlineData("""{"input":[101,2023,2003]}""", 3)]
    [InlineData("""{"input":[[101,2023],[7]]}""", 3)]
    public void CountPrompt_Embeddings_CountsTextsAndTokenIds(string json, int expected) =>
        Assert.Equal(expected, sut.CountPrompt(InferenceOperation.Embeddings, Body(json)));

    [Theory]
    [InlineData(InferenceOperation.ChatCompletions, """{}""")]
    [InlineData(InferenceOperation.ChatCompletions, """{"messages":"Hello"}""")]
    [InlineData(InferenceOperation.ChatCompletions, """{"messages":[]}""")]
    [InlineData(InferenceOperation.ChatCompletions, """{"messages":[1,null,"Hello",[]]}""")]
    [InlineData(InferenceOperation.ChatCompletions, """{"messages":{"content":"Hello"}}""")]
    [InlineData(InferenceOperation.Completions, """{"prompt":null}""")]
    [InlineData(InferenceOperation.Completions, """{"prompt":{"text":"Hello"}}""")]
    [InlineData(InferenceOperation.Completions, """{"prompt":42}""")]
    [InlineData(InferenceOperation.Completions, """{"prompt":[null,{},true,[]]}""")]
    [InlineData(InferenceOperation.Embeddings, """{"input":false}""")]
    [InlineData(InferenceOperation.Embeddings, """{"messages":[{"content":"Hello"}]}""")]
    [InlineData((InferenceOperation)42, """{"input":"Hello"}""")]
    public void CountPrompt_OddShapes_Zero(InferenceOperation operation, string json) =>
        Assert.Equal(0, sut.CountPrompt(operation, Body(json)));

    private static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();
}
