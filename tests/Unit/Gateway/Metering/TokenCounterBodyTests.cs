using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Wire;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>The count from the body's bytes (admission's) against the count from its tree, which it replaces.</summary>
public sealed class TokenCounterBodyTests
{
    private readonly TokenCounter sut = new();

    public static TheoryData<InferenceOperation, string> PlainBodies => new()
    {
        { InferenceOperation.ChatCompletions, """{"model":"m","messages":[{"role":"user","content":"hi"}]}""" },
        { InferenceOperation.ChatCompletions, """{"messages":[{"role":"system","content":"Be brief."},{"content":"Hello, world!","role":"user"}],"model":"m"}""" },
        { InferenceOperation.ChatCompletions, """{"messages":[{"role":"user","content":[{"type":"text","text":"Hello, world!"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"text":"Hello","type":"text"}]}]}""" },
        { InferenceOperation.ChatCompletions, """{"messages":[{"role":"user","content":5},{"role":"user"},{"role":"user","content":[1,{"type":"text","text":7}]}]}""" },
        { InferenceOperation.ChatCompletions, """{"messages":[{"content":null},{"content":{"text":"x","text":"y"}},{"content":["a",[1],null]}]}""" },
        { InferenceOperation.ChatCompletions, """{"messages":[{"content":[{"type":7,"text":"x"},{"type":"t\u0065xt","text":"caf\u00e9 \"quoted\""},{"type":"text"}]}]}""" },
        { InferenceOperation.ChatCompletions, """{"messages":[{"role":"user","content":"Größe, naïve café — 東京 and 😀 too."}],"metadata":{"a":"b"},"n":2}""" },
        { InferenceOperation.ChatCompletions, """{"messages":[[{"content":"nested"}],{"content":"x","extra":{"content":"y","content":"z"}}]}""" },
        { InferenceOperation.ChatCompletions, """{"messages":[1,null,"Hello",[]],"prompt":"not read"}""" },
        { InferenceOperation.ChatCompletions, """{"messages":"Hello"}""" },
        { InferenceOperation.ChatCompletions, """{"messages":{"content":"Hello"}}""" },
        { InferenceOperation.ChatCompletions, """{"messages":[]}""" },
        { InferenceOperation.ChatCompletions, """{}""" },
        { InferenceOperation.Completions, """{"prompt":"Hello, world!"}""" },
        { InferenceOperation.Completions, """{"prompt":["Hello, world!","Hello",{"a":1,"a":2},null,true,3]}""" },
        { InferenceOperation.Completions, """{"prompt":[[1,2,3],[4,"x",[5],{"b":1}]]}""" },
        { InferenceOperation.Completions, """{"prompt":null}""" },
        { InferenceOperation.Completions, """{"prompt":42,"messages":[{"content":"not read"}]}""" },
        { InferenceOperation.Embeddings, """{"input":["Hello, world!","Hello","Hello"]}""" },
        { InferenceOperation.Embeddings, """{"input":[101,2023,2003]}""" },
        { InferenceOperation.Embeddings, """{"input":false}""" },
        { (InferenceOperation)42, """{"input":"Hello"}""" },
    };

    [Theory]
    [MemberData(nameof(PlainBodies))]
    public void TryCountPrompt_PlainBody_CountsAsTheTree(InferenceOperation operation, string json)
    {
        var expected = sut.CountPrompt(operation, (JsonObject)JsonNode.Parse(json)!);

        Assert.Equal(expected, sut.TryCountPrompt(operation, Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void TryCountPrompt_LongPrompts_ShareOneBudgetAsTheTree()
    {
        var words = string.Concat(Enumerable.Repeat("The gateway meters every call. ", 20_000));
        var json = JsonSerializer.Serialize(new
        {
            messages = new object[] { new { content = words }, new { content = new[] { new { type = "text", text = words } } } },
        });

        var expected = sut.CountPrompt(InferenceOperation.ChatCompletions, (JsonObject)JsonNode.Parse(json)!);

        Assert.Equal(expected, sut.TryCountPrompt(InferenceOperation.ChatCompletions, Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData(InferenceOperation.ChatCompletions, """{"messages":[{"content":"a"}],"model":"m","model":"n"}""")]
    [InlineData(InferenceOperation.ChatCompletions, """{"messages":[{"content":"a","content":"b"}]}""")]
    [InlineData(InferenceOperation.ChatCompletions, """{"messages":[{"content":[{"type":"text","text":"a","text":"b"}]}]}""")]
    [InlineData(InferenceOperation.ChatCompletions, """{"messages":[{"role":"user","r\u006fle":"user","content":"a"}]}""")]
    [InlineData(InferenceOperation.Embeddings, """{"input":"a","input":"b"}""")]
    public void TryCountPrompt_RepeatedOrEscapedName_LeavesItToTheTree(InferenceOperation operation, string json) =>
        Assert.Null(sut.TryCountPrompt(operation, Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void TryCountPrompt_ManyNames_LeavesItToTheTree()
    {
        var json = "{" + string.Concat(Enumerable.Range(0, 20).Select(n => $"\"f{n}\":{n},")) + "\"messages\":[{\"content\":\"hi\"}]}";

        Assert.Null(sut.TryCountPrompt(InferenceOperation.ChatCompletions, Encoding.UTF8.GetBytes(json)));
    }
}
