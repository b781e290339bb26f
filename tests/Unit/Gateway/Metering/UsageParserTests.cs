using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using FrontierGateway.Gateway.Metering;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>
/// <see cref="UsageParser"/> reads with a <see cref="Utf8JsonReader"/> what was read before with a
/// <see cref="JsonDocument"/> (issue 16); <see cref="Reference"/> is that earlier reading, kept here as the oracle.
/// </summary>
public sealed partial class UsageParserTests
{
    private const string Head = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":""";

    private static readonly string[] Samples =
    [
        Head + """[{"index":0,"delta":{"role":"assistant","content":" tok"},"logprobs":null,"finish_reason":null}]}""",
        Head + """[],"usage":{"prompt_tokens":12,"completion_tokens":200,"total_tokens":212}}""",
        Head + """[{"index":0,"delta":{"content":"x"}}],"usage":null}""",
        Head + """[{"index":0,"delta":{"content":"x"}}],"usage":{"prompt_tokens":3,"completion_tokens":4}}""",
        """{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":3}}}""",
        """{"choices":[{"message":{"content":"Hi"}}],"usage":{"prompt_tokens":4,"completion_tokens":1}}""",
        """{"choices":[{"text":"a","delta":{"content":"b"},"message":{"content":"c"}},{"text":"d"}]}""",
        // Order in the chunk does not matter: text, then delta, then message.
        """{"choices":[{"message":{"content":"c"},"delta":{"content":"b"},"text":"a"}]}""",
        // Named twice: the last counts, whatever it is.
        """{"choices":[{"delta":{"content":"a"}}],"choices":[{"delta":{"content":"b"}}]}""",
        """{"choices":[{"delta":{"content":"a"}}],"choices":{}}""",
        """{"choices":[{"delta":{"content":"a","content":7}}]}""",
        """{"choices":[{"delta":{"content":"a"},"delta":null}]}""",
        """{"choices":[{"text":"a","text":"b"}]}""",
        """{"usage":{"prompt_tokens":1},"usage":null,"choices":[]}""",
        """{"usage":null,"usage":{"prompt_tokens":1},"choices":[]}""",
        """{"usage":{"prompt_tokens":1,"prompt_tokens":"2","completion_tokens":3,"completion_tokens":4}}""",
        """{"usage":{"prompt_tokens_details":{"cached_tokens":5},"prompt_tokens_details":[1]}}""",
        """{"usage":{"prompt_tokens_details":{"cached_tokens":5,"cached_tokens":6,"x":{"y":[1,2]}}}}""",
        // Numbers JsonElement.TryGetInt64 refuses count 0.
        """{"usage":{"prompt_tokens":1.0,"completion_tokens":1e2,"prompt_tokens_details":{"cached_tokens":99999999999999999999}}}""",
        """{"usage":{"prompt_tokens":-3,"completion_tokens":9223372036854775807}}""",
        // Escapes: names and texts.
        """{"\u0063hoices":[{"delta":{"cont\u0065nt":"a\nb\"c\\d\u00e9\ud83d\ude00\/"}}],"\u0075sage":{"prompt_tokens":2}}""",
        """{"choices":[{"delta":{"content":"caf\u00e9 ☕ 日本 😀"}}]}""",
        """{"choices":[{"delta":{"content":""}},{"delta":{"content":"x"}}]}""",
        // A model's calls: each function's name and arguments, after the content; the older function_call too.
        Head + """[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}""",
        Head + """[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":\"Paris\"}"}}]}}]}""",
        """{"choices":[{"message":{"content":"Sure.","tool_calls":[{"function":{"name":"a","arguments":"{}"}},{"function":{"arguments":"[1]","name":"b"}}]}}]}""",
        """{"choices":[{"message":{"content":null,"function_call":{"name":"f","arguments":"{\"x\":1}"}}}]}""",
        """{"choices":[{"delta":{"tool_calls":[{"function":{"name":"a"},"function":{"name":"b"}}],"tool_calls":[{"function":{"arguments":"c","arguments":"d"}}]}}]}""",
        """{"choices":[{"delta":{"tool_calls":[1,"x",null,[{"function":{"name":"no"}}],{"function":"no"},{"function":{"name":7,"arguments":["no"]}}]}}]}""",
        """{"choices":[{"delta":{"tool_calls":{"function":{"name":"no"}},"function_call":[{"name":"no"}]}}]}""",
        """{"choices":[{"delta":{"tool_calls":[{"function":{"name":"caf\u00e9","arguments":"\ud800"}}]}}]}""",
        // Not text: skipped, whatever its shape.
        """{"choices":[1,"a",null,[{"delta":{"content":"no"}}],{"delta":"no","message":["no"],"text":{"a":"no"}}]}""",
        """{"choices":"no","usage":[]}""",
        """{"choices":[],"usage":{}}""",
        """{"x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"choices":[]}""",
        """ {"choices":[{"delta":{"content":"ws"}}]}""" + "\r",
        """["choices"]""",
        "42",
        // Not JSON: nothing read, not even the text before the fault.
        """{"choices":[{"delta":{"content":"a"}}]""",
        """{"choices":[{"delta":{"content":"a"}}]} x""",
        """{"choices":[{"delta":{"content":"a"}}]}{}""",
        """{"choices":[{"delta":{"content":"a"}}],}""",
        """{"choices":[{"delta":{"content":"a	tab"}}]}""",
        """{"choices":[{"delta":{"content":"a"}}], /* c */ "x":1}""",
        """{"choices":[{"delta":{"content":"\x"}}]}""",
        // Not text: a lone surrogate (JsonDocument threw; read as U+FFFD now).
        """{"choices":[{"delta":{"content":"a\ud800b"}}]}""",
        """{"choices":[{"delta":{"content":"a\ud800b","content":"fine"}}]}""",
        """{"choices":[{"delta":{"content":"a\udc00"}}],"usage":{"prompt_tokens":1}}""",
        "",
        "   ",
    ];

    public static TheoryData<string> Payloads => new(Samples);

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Read_Payload_ReadsWhatJsonDocumentRead(string payload) => AssertAsReference(Encoding.UTF8.GetBytes(payload));

    [Fact]
    public void Read_InvalidUtf8_ReadsWhatJsonDocumentRead()
    {
        byte[][] payloads =
        [
            [.. """{"choices":[{"delta":{"content":"a"""u8, 0xC3, .. "\"}}]}"u8],
            [.. """{"choices":[{"delta":{"content":"a"""u8, 0xC3, .. "\\n\"}}]}"u8],
            [.. "{\"id\":\""u8, 0xFF, .. "\",\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}"u8],
            [.. """{"choices":[{"delta":{"content":"a"""u8, 0xE6, 0x97, .. "\"}}],\"usage\":{\"prompt_tokens\":1}}"u8],
        ];
        foreach (var payload in payloads)
        {
            AssertAsReference(payload);
        }
    }

    [Fact]
    public void Read_MutatedChunks_ReadWhatJsonDocumentRead()
    {
        // Seeded: every run tries the same 20,000 payloads, each a valid one with a byte changed, cut or doubled.
        var random = new Random(16);
        var seeds = Samples.Select(Encoding.UTF8.GetBytes).Where(p => p.Length > 0).ToArray();
        byte[] alphabet = [.. "{}[]\":,\\ nu01e.-"u8, 0xC3, 0xA9, 0xFF];
        for (var i = 0; i < 20_000; i++)
        {
            var payload = seeds[random.Next(seeds.Length)].ToList();
            var at = random.Next(payload.Count);
            switch (random.Next(3))
            {
                case 0: payload[at] = alphabet[random.Next(alphabet.Length)]; break;
                case 1: payload.RemoveRange(at, random.Next(1, Math.Min(4, payload.Count - at) + 1)); break;
                default: payload.Insert(at, payload[at]); break;
            }
            AssertAsReference([.. payload]);
        }
    }

    [Theory]
    [InlineData("""a\ud83d""", "a\uFFFD")]
    [InlineData("""\ude00b""", "\uFFFDb")]
    [InlineData("""a\ud800b\n\"\u00e9\ud83d\ude00""", "a\uFFFDb\n\"\u00e9\U0001F600")]
    [InlineData("""\ud800\ud800""", "\uFFFD\uFFFD")]
    [InlineData("""\\ud800""", "\\ud800")]
    public void Read_LoneSurrogateEscape_IsReadAsReplacementCharacter(string content, string expected)
    {
        using var text = new PooledBuffer(minimumSize: 16);

        var reading = UsageParser.Read(Encoding.UTF8.GetBytes($$$"""{"choices":[{"delta":{"content":"{{{content}}}"}}]}"""), text);

        Assert.NotNull(reading);
        Assert.Equal(expected, Encoding.UTF8.GetString(text.Written.Span));
    }

    [Fact]
    public void Read_BytesThatAreNotUtf8_AreReadAsReplacementCharacters()
    {
        using var text = new PooledBuffer(minimumSize: 16);

        var reading = UsageParser.Read([.. """{"choices":[{"delta":{"content":"a"""u8, 0xFF, 0xE6, 0x97, .. "b\\u00e9\"}}],\"usage\":{\"prompt_tokens\":1}}"u8], text);

        Assert.Equal(1, reading!.Value.Usage!.Value.Input);
        Assert.Equal("a\uFFFD\uFFFDb\u00e9", Encoding.UTF8.GetString(text.Written.Span));
    }

    [Fact]
    public void Read_AfterEarlierText_AppendsOnlyThisPayloadsText()
    {
        using var text = new PooledBuffer(minimumSize: 16);
        text.Append("kept "u8);

        var valid = UsageParser.Read("""{"choices":[{"delta":{"content":"and this"}}]}"""u8, text);
        var invalid = UsageParser.Read("""{"choices":[{"delta":{"content":"not this"}}]"""u8, text);

        Assert.NotNull(valid);
        Assert.Null(invalid);
        Assert.Equal("kept and this", Encoding.UTF8.GetString(text.Written.Span));
    }

    [Fact]
    public void Read_ChunkAfterChunk_AllocatesNothing()
    {
        // Before issue 16 a chunk cost a JsonDocument, its strings and a StringBuilder's growth: 110 bytes a chunk.
        var chunk = Encoding.UTF8.GetBytes(Head + """[{"index":0,"delta":{"content":" tok\n"},"logprobs":null,"finish_reason":null}]}""");
        using var text = new PooledBuffer(minimumSize: 64 * 1024);
        UsageParser.Read(chunk, text);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            UsageParser.Read(chunk, text);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1001 * " tok\n".Length, text.Count);
    }

    private static void AssertAsReference(byte[] payload)
    {
        var expected = Reference(payload);
        using var text = new PooledBuffer(minimumSize: 16);

        var actual = UsageParser.Read(payload, text);

        var shown = Encoding.UTF8.GetString(payload);
        Assert.True(expected is null == actual is null, $"JSON or not: {shown}");
        if (expected is not { } reference || actual is not { } sut)
        {
            Assert.Equal(0, text.Count);
            return;
        }
        Assert.True(reference.Usage == sut.Usage, $"usage {reference.Usage} != {sut.Usage}: {shown}");
        Assert.True(reference.UsageOnly == sut.UsageOnly, $"usage only: {shown}");
        var read = Encoding.UTF8.GetString(text.Written.Span);
        if (reference.Throws)
        {
            // The one difference: a text that is not text, which failed the call before, is read with U+FFFD.
            Assert.True(Utf8.IsValid(text.Written.Span), $"read text not UTF-8: {shown}");
            Assert.True(read.Contains('\uFFFD'), $"no U+FFFD in \"{read}\": {shown}");
        }
        else
        {
            Assert.Equal(reference.Text, read);
        }
    }
}
