using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Data.Protection;

/// <summary>
/// A start-up step, before Data Protection reads its keys: every key-ring entry must decrypt with the configured
/// key-encryption keys (else the host stops, naming the setting, instead of minting new keys and losing every
/// secret), and every entry not yet under the current key is encrypted with it: entries written in plaintext
/// before the key ring was encrypted, and entries of a previous key after a rotation, which can then be retired.
/// </summary>
internal sealed partial class KeyRingRewrap(IDbContextFactory<FrontierDbContext> dbFactory, IOptions<KeyEncryptionOptions> options,
    IServiceProvider services, ILogger<KeyRingRewrap> logger) : IHostedService
{
    // Data Protection's own XML vocabulary (Microsoft.AspNetCore.DataProtection XmlConstants).
    private static readonly XNamespace Dp = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = Dp + "encryptedSecret";
    private static readonly XName RequiresEncryption = Dp + "requiresEncryption";
    private const string DecryptorType = "decryptorType";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var current = options.Value.CurrentId;
        var encryptor = new KeyRingEncryptor(options.Value);
        var decryptor = new KeyRingDecryptor(services);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.DataProtectionKeys.ToListAsync(cancellationToken);
        var changed = 0;
        foreach (var row in rows.Where(r => r.Xml is not null))
        {
            var xml = XElement.Parse(row.Xml!);
            if (Rewrap(xml, current, encryptor, decryptor))
            {
                row.Xml = xml.ToString(SaveOptions.DisableFormatting);
                changed++;
            }
        }
        if (changed > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            LogRewrapped(changed, current);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool Rewrap(XElement xml, string current, KeyRingEncryptor encryptor, KeyRingDecryptor decryptor)
    {
        var changed = false;
        foreach (var secret in xml.Descendants(EncryptedSecret).Where(IsOurs).ToList())
        {
            var encrypted = secret.Elements().Single();
            var plaintext = decryptor.Decrypt(encrypted);
            if (!string.Equals((string?)encrypted.Attribute(KeyRingEncryptor.KekAttribute), current, StringComparison.OrdinalIgnoreCase))
            {
                secret.ReplaceWith(Wrap(encryptor.Encrypt(plaintext).EncryptedElement));
                changed = true;
            }
        }
        foreach (var plaintext in xml.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList())
        {
            // Also drop Data Protection's "Warning: the key below is in an unencrypted form." comment.
            (plaintext.PreviousNode as XComment)?.Remove();
            plaintext.ReplaceWith(Wrap(encryptor.Encrypt(plaintext).EncryptedElement));
            changed = true;
        }
        return changed;
    }

    private static bool IsOurs(XElement secret) =>
        ((string?)secret.Attribute(DecryptorType))?.StartsWith(typeof(KeyRingDecryptor).FullName + ",", StringComparison.Ordinal) == true;

    private static XElement Wrap(XElement encrypted) =>
        new(EncryptedSecret, new XAttribute(DecryptorType, typeof(KeyRingDecryptor).AssemblyQualifiedName!), encrypted);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Encrypted {Count} Data Protection key-ring entries with key-encryption key \"{Id}\".")]
    private partial void LogRewrapped(int count, string id);
}
