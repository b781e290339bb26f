using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FrontierGateway.Data.Entities;

/// <summary>
/// The one spelling policy of the wire enums (<c>TOKEN</c>, <c>OPENAI_COMPATIBLE</c>, <c>DEAD</c>): upper snake case,
/// unless a member says otherwise with <see cref="JsonStringEnumMemberNameAttribute"/>. Put on an enum type with
/// <c>[JsonConverter(typeof(WireEnumConverter&lt;T&gt;))]</c>, so every serializer (the API, the audit log) agrees.
/// </summary>
public sealed class WireEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false)
    where T : struct, Enum;

/// <summary>
/// The wire names of an enum as text, taken from its serializer so that messages, request parsing and the portal
/// spell them exactly as the JSON does. Parsing is exact (case-sensitive), as the contract is.
/// </summary>
public static class WireNames
{
    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ByValue[value];

    /// <summary>The value named <paramref name="name"/>, or null for a name that is not one of <see cref="All{T}"/>.</summary>
    public static T? Parse<T>(string? name) where T : struct, Enum =>
        name is not null && Names<T>.ByName.TryGetValue(name, out var value) ? value : null;

    /// <summary>Every name, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Names<T>.InOrder;

    /// <summary>The names for a message: <c>TOKEN, REQUEST</c>.</summary>
    public static string List<T>() where T : struct, Enum => string.Join(", ", Names<T>.InOrder);

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ByValue = Enum.GetValues<T>()
            .ToFrozenDictionary(v => v, v => JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(v))!);

        public static readonly FrozenDictionary<string, T> ByName =
            ByValue.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

        public static readonly string[] InOrder = [.. Enum.GetValues<T>().Select(v => ByValue[v])];
    }
}
