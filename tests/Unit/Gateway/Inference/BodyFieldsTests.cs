using System.Text;
using FrontierGateway.Gateway.Inference;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

/// <summary>The one pass over an inference body: the fields the gateway acts on, and the text of every string in it.</summary>
public sealed class BodyFieldsTests
{
    [Theory]
    [InlineData("""{"model":"a/b","stream":"yes"}""", "stream", "invalid_type")]
    [InlineData("""{"model":"a/b","stream":1}""", "stream", "invalid_type")]
    [InlineData("""{"model":"a/b","stream_options":"x"}""", "stream_options", "invalid_type")]
    [InlineData("""{"model":"a/b","stream":true,"stream_options":{"include_usage":"yes"}}""", "stream_options.include_usage", "invalid_type")]
    [InlineData("""{"model":"a/b","max_tokens":-1}""", "max_tokens", "integer_below_min_value")]
    [InlineData("""{"model":"a/b","max_tokens":0}""", "max_tokens", "integer_below_min_value")]
    [InlineData("""{"model":"a/b","max_tokens":"ten"}""", "max_tokens", "invalid_type")]
    [InlineData("""{"model":"a/b","max_tokens":1.5}""", "max_tokens", "invalid_type")]
    [InlineData("""{"model":"a/b","max_tokens":1e400}""", "max_tokens", "invalid_type")]
    [InlineData("""{"model":"a/b","max_completion_tokens":-5}""", "max_completion_tokens", "integer_below_min_value")]
    [InlineData("""{"model":"a/b","n":0}""", "n", "integer_below_min_value")]
    [InlineData("""{"model":"a/b","n":129}""", "n", "integer_above_max_value")]
    [InlineData("""{"model":"a/b","metadata":"x"}""", "metadata", "invalid_type")]
    [InlineData("""{"model":"a/b","metadata":["x"]}""", "metadata", "invalid_type")]
    [InlineData("""{"model":"a/b","metadata":{"k":1}}""", "metadata.k", "invalid_type")]
    [InlineData("""{"model":"a/b","metadata":{"k":{"x":"y"}}}""", "metadata.k", "invalid_type")]
    [InlineData("""{"model":{"x":1}}""", "model", "invalid_type")]
    [InlineData("""{"model":5}""", "model", "invalid_type")]
    [InlineData("""{"model":["a/b"]}""", "model", "invalid_type")]
    [InlineData("""{"model":null}""", "model", "missing_required_parameter")]
    [InlineData("""{"model":"a/b","max_tokens":5,"max_tokens":6}""", "max_tokens", "duplicate_parameter")]
    // Rewritten for the upstream, where a repeated name threw (a 500).
    [InlineData("""{"model":"a/b","stream":true,"stream_options":{"include_usage":true,"include_usage":false}}""", "stream_options.include_usage", "duplicate_parameter")]
    [InlineData("""{"model":"a/b","stream":true,"stream_options":{"x":1,"\u0078":2}}""", "stream_options.x", "duplicate_parameter")]
    public void Read_FieldTheGatewayActsOnIsWrong_NamesIt(string body, string param, string code)
    {
        var (fields, error) = BodyFields.Read(Encoding.UTF8.GetBytes(body));

        Assert.Null(fields);
        Assert.Equal((param, code), (error!.Param, error.Code));
        Assert.Contains(param, error.Message);
    }

    [Fact]
    public void Read_WellFormedFields_AreRead()
    {
        var (sut, error) = BodyFields.Read("""
            {"model":"a/b","stream":true,"stream_options":null,"max_tokens":7,"max_completion_tokens":9,"n":2,
             "metadata":{"k":"v"},"other":{"max_tokens":"ignored","n":[]}}
            """u8);

        Assert.Null(error);
        Assert.Equal(("a/b", true, false, """{"k":"v"}"""), (sut!.Model, sut.Stream, sut.IncludeUsage, sut.Metadata));
    }

    [Theory]
    [InlineData(16, 64, 512, null)]
    [InlineData(17, 1, 1, "metadata")]
    [InlineData(1, 65, 1, "metadata")]
    [InlineData(1, 1, 513, "metadata.k0")]
    public void Read_MetadataLimits_AreOpenAIs(int pairs, int keyLength, int valueLength, string? param)
    {
        var metadata = string.Join(",", Enumerable.Range(0, pairs).Select(i =>
            $"\"{("k" + i).PadRight(keyLength, 'x')}\":\"{new string('é', valueLength)}\""));

        var (_, error) = BodyFields.Read(Encoding.UTF8.GetBytes($$$"""{"model":"a/b","metadata":{{{{metadata}}}}}"""));

        Assert.Equal(param, error?.Param);
    }

    [Fact]
    public void Read_MetadataValueOfEscapes_IsCountedInCharacters()
    {
        var value = string.Concat(Enumerable.Repeat("\\u00e9", 512));

        var (_, error) = BodyFields.Read(Encoding.UTF8.GetBytes($$$"""{"model":"a/b","metadata":{"k":"{{{value}}}"}}"""));

        Assert.Null(error);
    }

    [Theory]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":"ok"},{"role":"user","content":"ok"},{"role":"user","content":"#"}]}""", "messages[2].content")]
    [InlineData("""{"model":"#"}""", "model")]
    [InlineData("""{"model":"a/b","metadata":{"k":"#"}}""", "metadata.k")]
    [InlineData("""{"model":"a/b","metadata":{"#":"v"}}""", "metadata")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","content":[{"type":"text","text":"x#"}]}]}""", "messages[0].content[0].text")]
    [InlineData("""{"model":"a/b","messages":[{"role":"user","#":"x"}]}""", "messages[0]")]
    [InlineData("""{"#":1,"model":"a/b"}""", null)]
    [InlineData("""{"model":"a/b","input":["ok",["#"]]}""", "input[1][0]")]
    [InlineData("""{"model":"a/b","stream":true,"stream_options":{"include_usage":true,"x":"#"}}""", "stream_options")]
    public void Read_InvalidUtf8_Is400NamingTheField(string template, string? param)
    {
        foreach (var invalid in (byte[][])[[0xFF], [0xC0, 0x80], [0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80]])
        {
            var (fields, error) = BodyFields.Read(WithBytes(template, invalid));

            Assert.Null(fields);
            Assert.Equal((param, "invalid_encoding"), (error!.Param, error.Code));
        }
    }

    [Theory]
    [InlineData("""\ud800""")]
    [InlineData("""\uDC00""")]
    [InlineData("""x\ud800y""")]
    [InlineData("""\ud800\ud800""")]
    [InlineData("""\ud83d\n\ude00""")]
    [InlineData("""\ude00\ud83d""")]
    public void Read_UnpairedSurrogateEscape_IsNotText(string content)
    {
        var (_, error) = BodyFields.Read(Encoding.UTF8.GetBytes(
            $$"""{"model":"a/b","messages":[{"role":"user","content":"{{content}}"}]}"""));

        Assert.Equal(("messages[0].content", "invalid_encoding"), (error?.Param, error?.Code));
    }

    [Theory]
    [InlineData("""\ud83d\ude00""")]
    [InlineData("""\uD83D\uDE00 upper case""")]
    [InlineData("""\\ud800 is a backslash and text""")]
    [InlineData("""line\nbreak \"quoted\" \u00e9 \/ \t""")]
    [InlineData("""é 😀 中文""")]
    public void Read_WellFormedText_IsAccepted(string content)
    {
        var (fields, error) = BodyFields.Read(Encoding.UTF8.GetBytes(
            $$$"""{"model":"a/b","messages":[{"role":"user","content":"{{{content}}}"}],"metadata":{"k":"{{{content}}}"}}"""));

        Assert.Null(error);
        Assert.NotNull(fields!.Metadata);
    }

    [Fact]
    public void Read_WellFormedBody_AllocatesOnlyWhatItReturns()
    {
        var messages = string.Join(",", Enumerable.Range(0, 200).Select(i =>
            $$"""{"role":"user","content":[{"type":"text","text":"line {{i}}\n\"quoted\" é 😀 \ud83d\ude00"}],"name":"u{{i}}"}"""));
        var body = Encoding.UTF8.GetBytes($$$"""{"model":"a/b","messages":[{{{messages}}}],"temperature":0.5,"max_tokens":9,"stream":true}""");
        BodyFields.Read(body);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (sut, error) = BodyFields.Read(body);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(error);
        Assert.Equal("a/b", sut!.Model);
        // The record and the model's string, whatever the size of the body: the checks themselves allocate nothing.
        Assert.InRange(allocated, 1, 160);
    }

    /// <summary>The template's UTF-8 with its <c>#</c> replaced by <paramref name="invalid"/>.</summary>
    private static byte[] WithBytes(string template, byte[] invalid)
    {
        var at = template.IndexOf('#');
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. invalid, .. Encoding.UTF8.GetBytes(template[(at + 1)..])];
    }
}
