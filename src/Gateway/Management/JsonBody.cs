using System.Text.Json;
using System.Text.RegularExpressions;
using FrontierGateway.Data;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Management;

/// <summary>Reads a bounded JSON body; every failure is a 400 that names the field.</summary>
public static partial class JsonBody
{
    public const int MaxBytes = 1024 * 1024;

    public static async Task<T> ReadAsync<T>(HttpRequest request, Func<T>? whenEmpty = null) where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }
        using var buffer = new MemoryStream();
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
        if (buffer.Length == 0)
        {
            return whenEmpty is not null ? whenEmpty() : throw new DomainException(400, null, "A JSON object body is required.", "missing_body");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ApiJson.Options)
                ?? throw new DomainException(400, null, "The body must be a JSON object, not null.", "invalid_json");
        }
        catch (JsonException e)
        {
            var param = e.Path is null or "$" ? null : e.Path.TrimStart('$').TrimStart('.');
            var expected = Expected(e.Message);
            var message = param is null
                ? "The body is not valid JSON or not a JSON object."
                : expected is null ? $"{param} is not valid JSON." : $"{param} must be {expected}.";
            throw new DomainException(400, param, message, "invalid_json");
        }
    }

    [GeneratedRegex(@"could not be converted to (?:System\.Nullable`1\[)?([\w.`]+)")]
    private static partial Regex ConvertedTo();

    private static string? Expected(string message)
    {
        var match = ConvertedTo().Match(message);
        if (!match.Success)
        {
            return null;
        }
        var type = match.Groups[1].Value;
        return type switch
        {
            "System.Int64" or "System.Int32" => "an integer",
            "System.String" => "a string",
            "System.Boolean" => "true or false",
            "System.DateTime" or "System.DateTimeOffset" => "an RFC 3339 timestamp",
            _ when type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "an array",
            _ => "an object",
        };
    }

    private static DomainException TooLarge() =>
        new(400, null, $"The body is larger than {MaxBytes} bytes.", "body_too_large");
}
