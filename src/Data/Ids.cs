using System.Security.Cryptography;

namespace FrontierGateway.Data;

/// <summary>Opaque, time-ordered identifiers: a type prefix and a lower-case ULID.</summary>
public static class Ids
{
    /// <summary><c>prefix_ulid</c>, written straight into the one string (request ids are made on every call).</summary>
    public static string New(string prefix) =>
        string.Create(prefix.Length + 27, (prefix, Ulid.NewUlid()), static (chars, state) =>
        {
            state.prefix.CopyTo(chars);
            chars[state.prefix.Length] = '_';
            var ulid = chars[(state.prefix.Length + 1)..];
            state.Item2.TryWriteStringify(ulid);
            for (var i = 0; i < ulid.Length; i++)
            {
                ulid[i] = char.ToLowerInvariant(ulid[i]);
            }
        });

    public static string NewUlid() => Ulid.NewUlid().ToString();

    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A string of CSPRNG-chosen letters and digits.</summary>
    public static string Random(int length) => RandomNumberGenerator.GetString(Alphanumeric, length);
}
