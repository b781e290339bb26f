using System.Text.Json;
using System.Text.Json.Serialization;
using FrontierGateway.Data;

namespace FrontierGateway.Gateway.Management;

/// <summary>
/// Refuses a string holding U+0000 where it is read, so that the refusal names the field (<see cref="StoredText"/>);
/// any other token is left to the serializer's own type error.
/// </summary>
internal sealed class StoredTextConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException();
        return StoredText.CanHold(value) ? value : throw new NulInText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}

internal sealed class NulInText : JsonException;

/// <summary>
/// A timestamp as RFC 3339 has it (SPEC §2): a date, a time and an offset, read as that instant in UTC. The serializer
/// alone took <c>2030-01-01T00:00:00</c> and <c>2030-01-01</c> as the host's local time, so on a host not set to UTC
/// a key's <c>expires_at</c> moved by the host's offset; it also read an offset through local time, which an hour
/// that repeats at a DST change makes ambiguous.
/// </summary>
internal sealed class Rfc3339Converter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException();
        var hasOffset = text.Length > 10 && text[10] is 'T' or 't'
            && (text[^1] is 'Z' or 'z' || (text.Length >= 6 && text[^6] is '+' or '-' && text[^3] == ':'));
        return hasOffset && reader.TryGetDateTimeOffset(out var instant) ? instant.UtcDateTime : throw new JsonException();
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}
