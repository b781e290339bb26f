using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>
/// Bodies OpenAI refuses are refused with its 400, naming the field, on the simulated model: the gateway's own
/// fields (<see cref="FrontierGateway.Gateway.Inference.BodyFields"/>) and what the model judges.
/// </summary>
public sealed class BadInferenceInputTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string Chat = "/v1/chat/completions", Completions = "/v1/completions", Embeddings = "/v1/embeddings";
    private const string Model = $$"""{"model":"{{InferenceHelpers.SimulatedSlug}}" """;
    private const string Hello = """ "messages":[{"role":"user","content":"hi"}] """;

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { Chat, $"{Model}}}", "messages" },
        { Chat, $$$"""{{{Model}}},"messages":"hi"}""", "messages" },
        { Chat, $$$"""{{{Model}}},"messages":[]}""", "messages" },
        { Chat, $$$"""{{{Model}}},"messages":["hi"]}""", "messages[0]" },
        { Chat, $$$"""{{{Model}}},"messages":[{"content":"x"}]}""", "messages[0].role" },
        { Chat, $$$"""{{{Model}}},"messages":[{"role":"bot","content":"x"}]}""", "messages[0].role" },
        { Chat, $$$"""{{{Model}}},"messages":[{"role":"user"}]}""", "messages[0].content" },
        { Chat, $$$"""{{{Model}}},"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":5}]}""", "messages[2].content" },
        { Chat, $$$"""{{{Model}}},"messages":[{"role":"user","content":[{"text":"x"}]}]}""", "messages[0].content[0].type" },
        { Chat, $$$"""{{{Model}}},"messages":[{"role":"tool","content":"42"}]}""", "messages[0].tool_call_id" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"stream":"yes"}""", "stream" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"max_tokens":-1}""", "max_tokens" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"max_tokens":"ten"}""", "max_tokens" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"max_completion_tokens":0}""", "max_completion_tokens" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"n":0}""", "n" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"metadata":"x"}""", "metadata" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"metadata":{"k":7}}""", "metadata.k" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"stream":true,"stream_options":{"include_usage":"yes"}}""", "stream_options.include_usage" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"stream_options":{"include_usage":true}}""", "stream_options" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"temperature":3}""", "temperature" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"top_p":"high"}""", "top_p" },
        { Chat, $$$"""{{{Model}}},{{{Hello}}},"stop":["a","b","c","d","e"]}""", "stop" },
        { Chat, $$$"""{{{Model}}},"messages":[{"role":"user","content":"\ud800"}]}""", "messages[0].content" },
        { Completions, $"{Model}}}", "prompt" },
        { Completions, $$$"""{{{Model}}},"prompt":{"text":"x"}}""", "prompt" },
        { Completions, $$$"""{{{Model}}},"prompt":["ok",1.5]}""", "prompt[1]" },
        { Embeddings, $"{Model}}}", "input" },
        { Embeddings, $$$"""{{{Model}}},"input":[]}""", "input" },
        { Embeddings, $$$"""{{{Model}}},"input":""}""", "input" },
        { Embeddings, $$$"""{{{Model}}},"input":"x","dimensions":0}""", "dimensions" },
        { Embeddings, $$$"""{{{Model}}},"input":"x","encoding_format":"hex"}""", "encoding_format" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Post_BadBody_Is400NamingTheField(string path, string body, string param)
    {
        var (_, key) = await factory.CustomerAsync($"bad-input-{Guid.NewGuid():N}");

        using var response = await factory.Caller(key).PostJsonAsync(path, body);

        await response.AssertOpenAIErrorAsync(HttpStatusCode.BadRequest, param);
    }

    [Theory]
    [InlineData(""" "messages":[{"role":"user","content":"a"}],"messages":[] """)]
    [InlineData(""" "messages":[{"role":"user","role":"system","content":"a"}] """)]
    public async Task Post_RepeatedPropertyName_Is400(string members)
    {
        var (_, key) = await factory.CustomerAsync($"bad-repeat-{Guid.NewGuid():N}");

        using var response = await factory.Caller(key).PostJsonAsync(Chat, $"{Model},{members}}}");

        var error = await response.AssertOpenAIErrorAsync(HttpStatusCode.BadRequest, null);
        Assert.Equal("duplicate_parameter", (string?)error["code"]);
    }

    [Theory]
    [InlineData("""{"model":"your-org/your-model","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"user","content":"caf#"}]}""", "messages[2].content")]
    [InlineData("""{"model":"your-org/your-#"}""", "model")]
    [InlineData("""{"model":"your-org/your-model","input":"#"}""", "input")]
    public async Task Post_InvalidUtf8_Is400NamingTheField(string template, string param)
    {
        var (_, key) = await factory.CustomerAsync($"bad-utf8-{Guid.NewGuid():N}");
        var at = template.IndexOf('#');
        var content = new ByteArrayContent([.. Encoding.UTF8.GetBytes(template[..at]), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(template[(at + 1)..])]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await factory.Caller(key).PostAsync(Chat, content);

        var error = await response.AssertOpenAIErrorAsync(HttpStatusCode.BadRequest, param);
        Assert.Equal("invalid_encoding", (string?)error["code"]);
    }

    [Fact]
    public async Task Post_RejectedCalls_RecordNoUsage()
    {
        var (group, key) = await factory.CustomerAsync("bad-input-usage");
        var caller = factory.Caller(key);
        foreach (var (path, body, _) in BadBodies.Select(row => ((string)row[0], (string)row[1], row[2])))
        {
            Assert.Equal(400, await caller.PostJsonAsync(path, body).StatusAsync());
        }

        using var good = await caller.ChatAsync();
        var events = await factory.EventsAsync(group, 1);

        // Events are written behind in the order they were recorded: the good call's is the only one.
        Assert.Equal(good.Headers.GetValues("x-request-id").Single(), Assert.Single(events).RequestId);
    }
}
