using System.Security.Cryptography;
using System.Text;

namespace FrontierGateway.Data.Keys;

/// <summary>The format of every API key: <c>&lt;prefix&gt;.&lt;secret&gt;</c>; only a hash of the secret is kept.</summary>
public static class KeySecrets
{
    public const int PrefixLength = 16;
    public const int SecretLength = 40;
    public const int MinSecretLength = 32;

    public static (string Prefix, string Secret) NewKey() => (Ids.Random(PrefixLength), Ids.Random(SecretLength));

    public static byte[] Hash(ReadOnlySpan<char> secret)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        return SHA256.HashData(utf8[..length]);
    }

    /// <summary>Compares in constant time, so timing tells nothing of the stored hash.</summary>
    public static bool Verify(ReadOnlySpan<char> secret, ReadOnlySpan<byte> hash)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], actual);
        return CryptographicOperations.FixedTimeEquals(actual, hash);
    }

    /// <summary>Splits a presented key; false when it is not of the key format at all.</summary>
    public static bool TrySplit(string key, out string prefix, out string secret)
    {
        var dot = key.IndexOf('.');
        if (dot != PrefixLength || key.Length - dot - 1 < MinSecretLength || key.Length > 512)
        {
            prefix = secret = "";
            return false;
        }
        prefix = key[..dot];
        secret = key[(dot + 1)..];
        return true;
    }
}
