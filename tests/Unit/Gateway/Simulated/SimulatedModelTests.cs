using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Simulated;
using FrontierGateway.Gateway.Wire;
using static FrontierGateway.Tests.Unit.Gateway.Simulated.SimulatedHarness;

namespace FrontierGateway.Tests.Unit.Gateway.Simulated;

public sealed class SimulatedModelTests
{
    private const string Chat = """{"model":"acme/sim","messages":[{"role":"user","content":"Say something."}]}""";

    [Fact]
    public async Task WriteAsync_Chat_IsAnOpenAiChatCompletion()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
        var sut = Model(time: new FixedTime(now));

        var response = await sut.RunAsync(InferenceOperation.ChatCompletions, Chat);

        Assert.Equal((200, "application/json"), (response.Status, response.ContentType));
        var json = response.Json;
        Assert.StartsWith("chatcmpl-", (string)json["id"]!);
        Assert.Equal("chat.completion", (string)json["object"]!);
        Assert.Equal(now.ToUnixTimeSeconds(), (long)json["created"]!);
        Assert.Equal("acme/sim", (string)json["model"]!);
        var choice = Assert.Single(json["choices"]!.AsArray())!;
        Assert.Equal(0, (int)choice["index"]!);
        Assert.Equal("assistant", (string)choice["message"]!["role"]!);
        Assert.False(string.IsNullOrWhiteSpace((string)choice["message"]!["content"]!));
        Assert.Equal("stop", (string)choice["finish_reason"]!);
    }

    [Fact]
    public async Task WriteAsync_Chat_UsageIsTheTokenCountOfPromptAndReturnedText()
    {
        var sut = Model();

        var json = (await sut.RunAsync(InferenceOperation.ChatCompletions, Chat)).Json;

        var usage = json["usage"]!;
        var content = (string)json["choices"]![0]!["message"]!["content"]!;
        Assert.Equal(Tokens.CountPrompt(InferenceOperation.ChatCompletions, JsonNode.Parse(Chat)!.AsObject()), (int)usage["prompt_tokens"]!);
        Assert.Equal(Tokens.Count(content), (int)usage["completion_tokens"]!);
        Assert.Equal((int)usage["prompt_tokens"]! + (int)usage["completion_tokens"]!, (int)usage["total_tokens"]!);
        Assert.Equal(0, (int)usage["prompt_tokens_details"]!["cached_tokens"]!);
    }

    [Theory]
    [InlineData("max_tokens", 1)]
    [InlineData("max_tokens", 7)]
    [InlineData("max_completion_tokens", 100)]
    [InlineData("max_tokens", 2000)]
    public async Task WriteAsync_MaxTokens_AnswersExactlyThatManyTokensWithFinishLength(string field, int max)
    {
        var sut = Model();

        var json = (await sut.RunAsync(InferenceOperation.ChatCompletions,
            $$"""{"model":"m","{{field}}":{{max}},"messages":[{"role":"user","content":"Go on {{max}}"}]}""")).Json;

        var content = (string)json["choices"]![0]!["message"]!["content"]!;
        Assert.Equal(max, Tokens.Count(content));
        Assert.Equal(max, (int)json["usage"]!["completion_tokens"]!);
        Assert.Equal("length", (string)json["choices"]![0]!["finish_reason"]!);
    }

    [Theory]
    [InlineData(""" "max_tokens":0, """)]
    [InlineData(""" "max_tokens":-5, """)]
    [InlineData(""" "max_tokens":"10", """)]
    [InlineData("")]
    public async Task WriteAsync_NoUsableMaxTokens_DefaultLengthEndingItsSentence(string maxTokens)
    {
        var sut = Model(new SimulatedOptions { DefaultMaxTokens = 20 });

        var json = (await sut.RunAsync(InferenceOperation.ChatCompletions,
            $$"""{"model":"m",{{maxTokens}}"messages":[{"role":"user","content":"Hi"}]}""")).Json;

        var content = (string)json["choices"]![0]!["message"]!["content"]!;
        Assert.InRange(Tokens.Count(content), 19, 20);
        Assert.EndsWith(".", content);
        Assert.Equal("stop", (string)json["choices"]![0]!["finish_reason"]!);
    }

    [Fact]
    public async Task WriteAsync_Completions_IsAnOpenAiTextCompletionWithExactUsage()
    {
        var sut = Model();
        const string body = """{"model":"acme/sim","prompt":["Once upon a time","there was"],"max_tokens":12}""";

        var response = await sut.RunAsync(InferenceOperation.Completions, body);

        var json = response.Json;
        Assert.StartsWith("cmpl-", (string)json["id"]!);
        Assert.Equal("text_completion", (string)json["object"]!);
        Assert.Equal("acme/sim", (string)json["model"]!);
        var text = (string)json["choices"]![0]!["text"]!;
        Assert.Equal(12, Tokens.Count(text));
        Assert.Equal("length", (string)json["choices"]![0]!["finish_reason"]!);
        Assert.Equal(Tokens.Count("Once upon a time") + Tokens.Count("there was"), (int)json["usage"]!["prompt_tokens"]!);
        Assert.Equal(12, (int)json["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task WriteAsync_SamePrompt_SameTextButNewId()
    {
        var sut = Model();

        var first = (await sut.RunAsync(InferenceOperation.ChatCompletions, Chat)).Json;
        var second = (await sut.RunAsync(InferenceOperation.ChatCompletions, Chat)).Json;
        var other = (await sut.RunAsync(InferenceOperation.ChatCompletions, Chat.Replace("Say something.", "Tell me more."))).Json;

        Assert.Equal(Content(first), Content(second));
        Assert.NotEqual(Content(first), Content(other));
        Assert.NotEqual((string)first["id"]!, (string)second["id"]!);
    }

    private static string Content(JsonObject json) => (string)json["choices"]![0]!["message"]!["content"]!;

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
