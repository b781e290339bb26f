using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using FrontierGateway.Gateway.Wire;
using static FrontierGateway.Tests.Unit.Gateway.Simulated.SimulatedHarness;

namespace FrontierGateway.Tests.Unit.Gateway.Simulated;

public sealed class SimulatedEmbeddingsTests
{
    [Fact]
    public async Task WriteAsync_ArrayOfTexts_OneUnitVectorPerInputOfDefaultSize()
    {
        var sut = Model();

        var response = await sut.RunAsync(InferenceOperation.Embeddings, """{"model":"acme/embed","input":["Hello, world!","Hello","Hello"]}""");

        Assert.Equal((200, "application/json"), (response.Status, response.ContentType));
        var json = response.Json;
        Assert.Equal("list", (string)json["object"]!);
        Assert.Equal("acme/embed", (string)json["model"]!);
        var data = json["data"]!.AsArray().Select(d => d!.AsObject()).ToList();
        Assert.Equal([0, 1, 2], data.Select(d => (int)d["index"]!));
        Assert.All(data, d => Assert.Equal("embedding", (string)d["object"]!));
        var vectors = data.Select(d => d["embedding"]!.AsArray().Select(x => (float)x!).ToArray()).ToList();
        Assert.All(vectors, v => Assert.Equal(256, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, Length(v), 4));
        Assert.Equal(vectors[1], vectors[2]);
        Assert.NotEqual(vectors[0], vectors[1]);
        Assert.Equal(6, (int)json["usage"]!["prompt_tokens"]!);
        Assert.Equal(6, (int)json["usage"]!["total_tokens"]!);
    }

    [Theory]
    [InlineData(""" "dimensions":3, """, 3)]
    [InlineData(""" "dimensions":4096, """, 4096)]
    [InlineData(""" "dimensions":null, """, 256)]
    [InlineData("", 256)]
    public async Task WriteAsync_Dimensions_VectorSize(string dimensions, int expected)
    {
        var sut = Model();

        var json = (await sut.RunAsync(InferenceOperation.Embeddings, $$"""{"model":"m",{{dimensions}}"input":"Hello"}""")).Json;

        var vector = json["data"]![0]!["embedding"]!.AsArray().Select(x => (float)x!).ToArray();
        Assert.Equal(expected, vector.Length);
        Assert.Equal(1.0, Length(vector), 4);
    }

    [Fact]
    public async Task WriteAsync_TokenIds_OneVectorAndTheirCountAsUsage()
    {
        var sut = Model();

        var json = (await sut.RunAsync(InferenceOperation.Embeddings, """{"model":"m","input":[101,2023,2003,102]}""")).Json;

        Assert.Single(json["data"]!.AsArray());
        Assert.Equal(4, (int)json["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public async Task WriteAsync_Base64_DecodesToTheSameUnitVector()
    {
        var sut = Model();

        var floats = (await sut.RunAsync(InferenceOperation.Embeddings, """{"model":"m","input":"Hello","dimensions":16}""")).Json;
        var base64 = (await sut.RunAsync(InferenceOperation.Embeddings, """{"model":"m","input":"Hello","dimensions":16,"encoding_format":"base64"}""")).Json;

        var decoded = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String((string)base64["data"]![0]!["embedding"]!)).ToArray();
        Assert.Equal(floats["data"]![0]!["embedding"]!.AsArray().Select(x => (float)x!), decoded);
    }

    [Theory]
    [InlineData("""{"model":"m"}""", "input")]
    [InlineData("""{"model":"m","input":null}""", "input")]
    [InlineData("""{"model":"m","input":{"text":"Hello"}}""", "input")]
    [InlineData("""{"model":"m","input":["a",{"text":"Hello"}]}""", "input[1]")]
    [InlineData("""{"model":"m","input":"Hello","dimensions":4097}""", "dimensions")]
    [InlineData("""{"model":"m","input":"Hello","dimensions":0}""", "dimensions")]
    [InlineData("""{"model":"m","input":"Hello","dimensions":"8"}""", "dimensions")]
    [InlineData("""{"model":"m","input":"Hello","dimensions":1.5}""", "dimensions")]
    public async Task WriteAsync_NoUsableInputOrDimensions_Is400NamingTheField(string body, string param)
    {
        var sut = Model();

        var response = await sut.RunAsync(InferenceOperation.Embeddings, body);

        Assert.Equal(400, response.Status);
        Assert.Equal(param, (string?)response.Json["error"]!["param"]);
    }

    private static double Length(float[] vector) => Math.Sqrt(vector.Sum(x => (double)x * x));
}
