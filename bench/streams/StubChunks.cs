using System.Text;

namespace FrontierGateway.Bench.Streams;

/// <summary>The stub's bytes, in OpenAI's chat.completion.chunk shape (about 200 bytes an event, as OpenAI's are).</summary>
internal static class StubChunks
{
    /// <summary>The prompt tokens every stub answer reports.</summary>
    public const int PromptTokens = 12;

    private const string Head = """{"id":"chatcmpl-stub","object":"chat.completion.chunk","created":1764201600,"model":"stub","system_fingerprint":null,"choices":""";

    private static readonly byte[] First = Event(Head + """[{"index":0,"delta":{"role":"assistant","content":" tok"},"logprobs":null,"finish_reason":null}]}""");
    private static readonly byte[] Middle = Event(Head + """[{"index":0,"delta":{"content":" tok"},"logprobs":null,"finish_reason":null}]}""");
    private static readonly byte[] Last = Event(Head + """[{"index":0,"delta":{"content":" tok"},"logprobs":null,"finish_reason":"stop"}]}""");

    public static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static byte[] Content(int index, int count) => index == count - 1 ? Last : index == 0 ? First : Middle;

    public static byte[] Usage(int completionTokens) =>
        Event(Head + "[],\"usage\":" + UsageJson(completionTokens) + "}");

    public static byte[] Completion(int completionTokens) => Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-stub","object":"chat.completion","created":1764201600,"model":"stub","choices":[{"index":0,"message":{"role":"assistant","content":"tok"},"logprobs":null,"finish_reason":"stop"}],"usage":"""
        + UsageJson(completionTokens) + "}");

    private static string UsageJson(int completionTokens) =>
        $$"""{"prompt_tokens":{{PromptTokens}},"completion_tokens":{{completionTokens}},"total_tokens":{{PromptTokens + completionTokens}}}""";

    private static byte[] Event(string json) => Encoding.UTF8.GetBytes("data: " + json + "\n\n");
}
