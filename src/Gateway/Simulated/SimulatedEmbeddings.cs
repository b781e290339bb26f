using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FrontierGateway.Gateway.Simulated;

/// <summary>Deterministic unit vectors, one per input, seeded by the input itself.</summary>
internal static class SimulatedEmbeddings
{
    public const int DefaultDimensions = 256;
    public const int MaxDimensions = 4096;

    public static void WriteResponse(Utf8JsonWriter json, JsonObject body, string model, int promptTokens)
    {
        var dimensions = SimulatedRequest.PositiveInt(body["dimensions"]) is int d and <= MaxDimensions ? d : DefaultDimensions;
        // The OpenAI SDKs ask for base64 unless told otherwise, and the JavaScript one decodes it unconditionally.
        var base64 = SimulatedRequest.AsString(body["encoding_format"]) == "base64";

        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        var inputs = Inputs(body["input"]);
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Vector(inputs[i], dimensions);
            json.WriteStartObject();
            json.WriteString("object", "embedding");
            json.WriteNumber("index", i);
            if (base64)
            {
                json.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector.AsSpan()));
            }
            else
            {
                json.WriteStartArray("embedding");
                foreach (var x in vector)
                {
                    json.WriteNumberValue(x);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("model", model);
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", promptTokens);
        json.WriteNumber("total_tokens", promptTokens);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// The texts that each get a vector: a string, each element of an array, or one token-id array as a
    /// whole (as OpenAI reads <c>input</c>). Token ids and odd elements are seeded by their JSON.
    /// </summary>
    public static List<string> Inputs(JsonNode? input) => input switch
    {
        JsonArray { Count: > 0 } ids when ids[0] is JsonValue first && first.GetValueKind() == JsonValueKind.Number => [ids.ToJsonString()],
        JsonArray items => items.Select(item => SimulatedRequest.AsString(item) ?? item?.ToJsonString() ?? "").ToList(),
        _ => SimulatedRequest.AsString(input) is { } text ? [text] : [],
    };

    public static float[] Vector(string text, int dimensions)
    {
        var random = new Random(SimulatedText.StableHash(text));
        var vector = new float[dimensions];
        var sumOfSquares = 0.0;
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)(random.NextDouble() * 2 - 1);
            sumOfSquares += vector[i] * vector[i];
        }

        var length = Math.Sqrt(sumOfSquares);
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = length > 0 ? (float)(vector[i] / length) : i == 0 ? 1 : 0;
        }

        return vector;
    }
}
