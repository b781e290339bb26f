using System.Security.Cryptography;

namespace FrontierGateway.Data;

/// <summary>Opaque, time-ordered identifiers: a type prefix and a lower-case ULID.</summary>
public static class Ids
{
    public static string New(string prefix) => $"{prefix}_{Ulid.NewUlid().ToString().ToLowerInvariant()}";

    public static string NewUlid() => Ulid.NewUlid().ToString();

    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A string of CSPRNG-chosen letters and digits.</summary>
    public static string Random(int length) => RandomNumberGenerator.GetString(Alphanumeric, length);
}
