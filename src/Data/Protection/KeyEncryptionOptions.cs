using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Data.Protection;

/// <summary>
/// The key-encryption keys (KEKs) that encrypt the Data Protection key ring at rest, kept outside the database.
/// Section <c>DataProtection</c>.
/// </summary>
public sealed class KeyEncryptionOptions
{
    public const string Section = "DataProtection";
    public const string KeysKey = Section + ":" + nameof(KeyEncryptionKeys);
    public const string CurrentKey = Section + ":" + nameof(CurrentKeyEncryptionKey);
    public const int KeyBytes = 32;

    /// <summary>Id → base64 of a 256-bit key. Several during a rotation: the current one and the previous ones.</summary>
    public Dictionary<string, string> KeyEncryptionKeys { get; set; } = [];

    /// <summary>The id of the key that encrypts key-ring entries; may be left out when only one key is listed.</summary>
    public string? CurrentKeyEncryptionKey { get; set; }

    internal string CurrentId => CurrentKeyEncryptionKey ?? KeyEncryptionKeys.Keys.Single();

    /// <summary>The key with this id, or null when none is configured (ids compare as configuration keys do).</summary>
    internal byte[]? Find(string id) =>
        KeyEncryptionKeys.FirstOrDefault(k => string.Equals(k.Key, id, StringComparison.OrdinalIgnoreCase)).Value is { } value
            ? Convert.FromBase64String(value)
            : null;
}

/// <summary>Refuses to start without a usable key, naming the setting to fix.</summary>
internal sealed class KeyEncryptionOptionsValidator : IValidateOptions<KeyEncryptionOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyEncryptionOptions options)
    {
        if (options.KeyEncryptionKeys.Count == 0)
        {
            return ValidateOptionsResult.Fail(
                $"{KeyEncryptionOptions.KeysKey} is required: a key kept outside the database that encrypts the Data Protection " +
                "key ring (which protects upstream and webhook secrets). Set DataProtection__KeyEncryptionKeys__<id>=<base64 of " +
                "32 random bytes> (openssl rand -base64 32); Development uses the fixed value in appsettings.Development.json.");
        }
        foreach (var (id, value) in options.KeyEncryptionKeys)
        {
            if (!IsKey(value))
            {
                return ValidateOptionsResult.Fail(
                    $"{KeyEncryptionOptions.KeysKey}:{id} must be the base64 of {KeyEncryptionOptions.KeyBytes} bytes (openssl rand -base64 32).");
            }
        }
        var current = options.CurrentKeyEncryptionKey;
        if (current is null ? options.KeyEncryptionKeys.Count > 1 : options.Find(current) is null)
        {
            return ValidateOptionsResult.Fail(
                $"{KeyEncryptionOptions.CurrentKey} must name the key that encrypts new key-ring entries, one of " +
                $"{KeyEncryptionOptions.KeysKey} ({string.Join(", ", options.KeyEncryptionKeys.Keys)}); got \"{current}\".");
        }
        return ValidateOptionsResult.Success;
    }

    private static bool IsKey(string? value)
    {
        Span<byte> bytes = stackalloc byte[KeyEncryptionOptions.KeyBytes + 3];
        var ok = Convert.TryFromBase64String(value ?? "", bytes, out var written) && written == KeyEncryptionOptions.KeyBytes;
        CryptographicOperations.ZeroMemory(bytes);
        return ok;
    }
}
