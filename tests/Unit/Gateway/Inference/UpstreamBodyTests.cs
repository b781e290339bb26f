using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Inference;

namespace FrontierGateway.Tests.Unit.Gateway.Inference;

public sealed class UpstreamBodyTests
{
    [Fact]
    public void Read_FindsTheFieldsTheGatewayUses()
    {
        var fields = Fields("""{"model":"a/b","stream":true,"stream_options":{"x":[1],"include_usage":true},"metadata":{"k":"v"}}""");

        Assert.Equal("a/b", fields.Model);
        Assert.True(fields.Stream);
        Assert.True(fields.IncludeUsage);
        Assert.Equal("""{"k":"v"}""", fields.Metadata);
    }

    [Theory]
    [InlineData("""{"model":"a/b","stream":true,"stream_options":{"include_usage":false}}""")]
    [InlineData("""{"model":"a/b","stream":true,"stream_options":{"include_usage":null}}""")]
    [InlineData("""{"model":"a/b","stream":true,"stream_options":{"inner":{"include_usage":true}}}""")]
    public void Read_OnlyTheBooleanTrueCounts(string body)
    {
        var fields = Fields(body);

        Assert.False(fields.Stream && fields.IncludeUsage);
    }

    [Fact]
    public void Build_SplicesTheTargetModel_AndKeepsEveryOtherByte()
    {
        const string body = """{ "messages": [{"role":"user","content":"hé \"quoted\""}], "model" : "org/slug", "temperature": 0.5 }""";

        var upstream = Build(body, "gpt-4o \"mini\"");

        Assert.Equal(body.Replace("\"org/slug\"", "\"gpt-4o \\u0022mini\\u0022\""), upstream);
    }

    [Theory]
    [InlineData("""{"model":"a/b","stream":true}""")]
    [InlineData("""{"stream_options":null,"model":"a/b","stream":true}""")]
    [InlineData("""{"model":"a/b","stream_options":{"include_usage":false,"other":2},"stream":true}""")]
    public void Build_OnAStream_AsksForUsage_KeepingOtherOptions(string body)
    {
        var upstream = JsonNode.Parse(Build(body, "target"))!.AsObject();

        Assert.Equal("target", upstream["model"]!.GetValue<string>());
        Assert.True(upstream["stream_options"]!["include_usage"]!.GetValue<bool>());
        var original = JsonNode.Parse(body)!["stream_options"] as JsonObject;
        Assert.Equal(original?["other"]?.GetValue<int>(), upstream["stream_options"]!["other"]?.GetValue<int>());
        Assert.Equal(JsonNode.Parse(body)!.AsObject().Count + (original is null && !body.Contains("null") ? 1 : 0), upstream.Count);
    }

    private static BodyFields Fields(string body)
    {
        var (fields, error) = BodyFields.Read(Encoding.UTF8.GetBytes(body));
        Assert.Null(error);
        return fields!;
    }

    private static string Build(string body, string model)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var (buffer, length) = UpstreamBody.Build(bytes, Fields(body), JsonSerializer.SerializeToUtf8Bytes(model));
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
