using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>The stock OpenAI .NET SDK against the gateway and its simulated model.</summary>
public sealed class OpenAISdkTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private OpenAIClient Sdk(string key) => new(new ApiKeyCredential(key), new OpenAIClientOptions
    {
        Endpoint = new Uri(factory.Server.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(factory.CreateClient()),
        NetworkTimeout = TimeSpan.FromSeconds(30),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    [Fact]
    public async Task CompleteChat_NonStreaming_ReturnsTextAndExactUsage_AndRecordsTheEvent()
    {
        var (group, key) = await factory.CustomerAsync("sdk-chat");
        var sut = Sdk(key).GetChatClient(InferenceHelpers.SimulatedSlug);

        ChatCompletion completion = await sut.CompleteChatAsync([new UserChatMessage("Tell me about gateways.")]);

        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
        var usage = Assert.Single(await factory.EventsAsync(group, 1));
        Assert.Equal((completion.Usage.InputTokenCount, completion.Usage.OutputTokenCount),
            ((int)usage.InputTokens, (int)usage.OutputTokens));
        Assert.Equal("sdk-chat", usage.ExternalEntityId);
        Assert.Equal(key[..16], usage.ApiKeyPrefix);
        Assert.Equal(26, usage.IdempotencyKey.Length);
        Assert.False(usage.Estimated);
    }

    [Fact]
    public async Task CompleteChatStreaming_TextIntact_UsageInLastUpdate()
    {
        var (group, key) = await factory.CustomerAsync("sdk-stream");
        var sut = Sdk(key).GetChatClient(InferenceHelpers.SimulatedSlug);

        var text = "";
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in sut.CompleteChatStreamingAsync([new UserChatMessage("Stream to me.")]))
        {
            updates++;
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            usage = update.Usage ?? usage;
        }

        Assert.True(updates > 2);
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.NotNull(usage);
        var recorded = Assert.Single(await factory.EventsAsync(group, 1));
        Assert.Equal(usage.OutputTokenCount, (int)recorded.OutputTokens);
        Assert.Equal(usage.InputTokenCount, (int)recorded.InputTokens);
    }

    [Fact]
    public async Task Embeddings_AndModelsList_Work()
    {
        var (_, key) = await factory.CustomerAsync("sdk-embed");
        var sdk = Sdk(key);

        var embedding = await sdk.GetEmbeddingClient(InferenceHelpers.SimulatedSlug).GenerateEmbeddingAsync("hello");
        var models = await sdk.GetOpenAIModelClient().GetModelsAsync();

        Assert.True(embedding.Value.ToFloats().Length > 0);
        Assert.Equal([InferenceHelpers.SimulatedSlug], models.Value.Select(m => m.Id));
    }

    [Fact]
    public async Task Completions_RawHttp_ReturnsTextCompletion()
    {
        var (_, key) = await factory.CustomerAsync("sdk-completions");

        using var response = await factory.Caller(key).PostAsJsonAsync("/v1/completions",
            new { model = InferenceHelpers.SimulatedSlug, prompt = "Once upon a time", max_tokens = 5 });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.True(response.IsOk());
        Assert.Equal("text_completion", body!["object"]!.GetValue<string>());
        Assert.True(body["usage"]!["completion_tokens"]!.GetValue<int>() is > 0 and <= 5);
    }

    [Fact]
    public async Task Errors_SurfaceAsTheSdksOwnExceptions()
    {
        var (_, key) = await factory.CustomerAsync("sdk-errors",
            $$"""[{"slug":"{{InferenceHelpers.SimulatedSlug}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":1}]}]""");
        var sdk = Sdk(key);

        // The last character changed (a key that already ended in "x" made this test pass a valid key, 1 run in 62).
        var wrongKey = key[..^1] + (key[^1] == 'x' ? 'y' : 'x');
        var unauthorized = await Assert.ThrowsAsync<ClientResultException>(() =>
            Sdk(wrongKey).GetChatClient(InferenceHelpers.SimulatedSlug).CompleteChatAsync([new UserChatMessage("hi")]));
        var notFound = await Assert.ThrowsAsync<ClientResultException>(() =>
            sdk.GetChatClient("acme/unknown").CompleteChatAsync([new UserChatMessage("hi")]));
        await sdk.GetChatClient(InferenceHelpers.SimulatedSlug).CompleteChatAsync([new UserChatMessage("hi")]);
        var limited = await Assert.ThrowsAsync<ClientResultException>(() =>
            sdk.GetChatClient(InferenceHelpers.SimulatedSlug).CompleteChatAsync([new UserChatMessage("hi")],
                new ChatCompletionOptions(), default));

        Assert.Equal((401, 404, 429), (unauthorized.Status, notFound.Status, limited.Status));
        Assert.Contains("model_not_found", notFound.Message);
    }
}
