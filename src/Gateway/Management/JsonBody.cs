using System.Text.Json;
using System.Text.RegularExpressions;
using FrontierGateway.Data;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Management;

/// <summary>Reads a bounded JSON body; every failure is a 400 that names the field.</summary>
public static partial class JsonBody
{
    public const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// The API's options, with every string read through <see cref="StoredTextConverter"/>, every timestamp through
    /// <see cref="Rfc3339Converter"/>, and a repeated property
    /// name refused: the last one silently won, so <c>{"metadata":{...},"metadata":{...}}</c> wrote whichever came
    /// second, where the inference API refuses the same body.
    /// </summary>
    private static readonly JsonSerializerOptions Options = new(ApiJson.Options)
    {
        Converters = { new StoredTextConverter(), new Rfc3339Converter() },
        AllowDuplicateProperties = false,
    };

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static async Task<T> ReadAsync<T>(HttpRequest request, Func<T>? whenEmpty = null) where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }
        using var buffer = new MemoryStream();
        try
        {
            await ReadAllAsync(request, buffer);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel refused the body itself (a bad chunk, a body cut short, too slow, over its size cap): the
            // client's fault, not ours. Oversize stays the 400 it is when we count the bytes (SPEC §2).
            throw e.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge()
                : new DomainException(400, null, $"The body could not be read: {e.Message}", "invalid_body");
        }
        var json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        // A UTF-8 byte order mark, which some clients' encodings write first, is not part of the JSON (RFC 8259 §8.1).
        json = json.StartsWith(Utf8Bom) ? json[Utf8Bom.Length..] : json;
        if (json.Length == 0)
        {
            return whenEmpty is not null ? whenEmpty() : throw new DomainException(400, null, "A JSON object body is required.", "missing_body");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new DomainException(400, null, "The body must be a JSON object, not null.", "invalid_json");
        }
        catch (JsonException e)
        {
            var param = e.Path is null or "$" ? null : e.Path.TrimStart('$').TrimStart('.');
            var expected = param is null ? null : Expected<T>(param);
            var message = param is null
                ? "The body is not valid JSON or not a JSON object."
                : e is NulInText ? StoredText.Refusal(param)
                : IsRepeatedName(e) ? $"A property name is repeated at {param}."
                : expected is null ? $"{param} is not valid JSON." : $"{param} must be {expected}.";
            var code = e is NulInText ? "invalid_value" : IsRepeatedName(e) ? "duplicate_parameter" : "invalid_json";
            throw new DomainException(400, param, message, code);
        }
    }

    /// <summary>
    /// The serializer's refusal of a repeated name carries no type of its own, only its message; <c>BadInputTests</c>
    /// pins the wording, so a runtime that changes it fails a test instead of reporting "must be a string". Its path is
    /// the repeated property, or for a name repeated inside a <see cref="JsonElement"/> field (price) that field.
    /// </summary>
    private static bool IsRepeatedName(JsonException e) =>
        e.Message.StartsWith("Duplicate property", StringComparison.Ordinal);

    private static async Task ReadAllAsync(HttpRequest request, MemoryStream buffer)
    {
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw TooLarge();
            }
            buffer.Write(chunk, 0, read);
        }
    }

    [GeneratedRegex(@"\.?([a-z0-9_]+)|\[\d+\]")]
    private static partial Regex PathSegment();

    /// <summary>What the field at <paramref name="path"/> of <typeparamref name="T"/> holds, in words.</summary>
    private static string? Expected<T>(string path)
    {
        Type? type = typeof(T);
        foreach (Match segment in PathSegment().Matches(path))
        {
            type = segment.Groups[1].Success
                ? type?.GetProperties().FirstOrDefault(p =>
                    JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == segment.Groups[1].Value)?.PropertyType
                : type?.IsGenericType == true ? type.GetGenericArguments()[0] : null;
        }
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => null,
            _ when type == typeof(long) || type == typeof(int) => "an integer",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "an RFC 3339 timestamp",
            _ when type.IsGenericType => "an array",
            _ => "an object",
        };
    }

    private static DomainException TooLarge() =>
        new(400, null, $"The body is larger than {MaxBytes} bytes.", "body_too_large");
}
