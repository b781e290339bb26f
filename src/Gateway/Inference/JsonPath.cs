using System.Text;
using System.Text.Json;

namespace FrontierGateway.Gateway.Inference;

/// <summary>
/// Names a place in a JSON body the way OpenAI's <c>param</c> does (<c>messages[2].content</c>). Only for error
/// answers: it reads the body again from the start, so the single pass of a well-formed body stays single.
/// </summary>
internal static class JsonPath
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>
    /// The path of the value that starts at byte <paramref name="offset"/>; for a property name there, the path of
    /// the object that holds it (null at the top level).
    /// </summary>
    public static string? At(ReadOnlySpan<byte> body, long offset)
    {
        var reader = new Utf8JsonReader(body, Options);
        var frames = new List<Frame>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    if (reader.TokenStartIndex == offset)
                    {
                        return Format(frames[..^1]);
                    }
                    frames[^1] = frames[^1] with { Name = NameOf(ref reader) };
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    continue;
            }
            if (frames is [.., { IsArray: true } array])
            {
                frames[^1] = array with { Index = array.Index + 1 };
            }
            if (reader.TokenStartIndex == offset)
            {
                return Format(frames);
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray, null, -1));
            }
        }
        return null;
    }

    private static string? Format(List<Frame> frames)
    {
        var path = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Name is not null)
            {
                path.Append(path.Length > 0 ? "." : "").Append(frame.Name);
            }
        }
        return path.Length > 0 ? path.ToString() : null;
    }

    /// <summary>The property name under the reader, with U+FFFD for whatever is not text.</summary>
    private static string NameOf(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    private readonly record struct Frame(bool IsArray, string? Name, int Index);
}
