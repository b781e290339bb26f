using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Data.Protection;

/// <summary>
/// Decrypts what <see cref="KeyRingEncryptor"/> wrote, with whichever configured key-encryption key its id names
/// (current or previous). Data Protection creates it by type name from the stored XML, with the service provider.
/// </summary>
internal sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly KeyEncryptionOptions options = services.GetRequiredService<IOptions<KeyEncryptionOptions>>().Value;

    public XElement Decrypt(XElement encryptedElement)
    {
        var id = (string?)encryptedElement.Attribute(KeyRingEncryptor.KekAttribute) ?? "";
        var key = options.Find(id) ?? throw new CryptographicException(
            $"A Data Protection key-ring entry is encrypted with key-encryption key \"{id}\", which is not in " +
            $"{KeyEncryptionOptions.KeysKey}: list it (as a previous key) to read the entry.");
        var blob = Convert.FromBase64String(encryptedElement.Value);
        var length = blob.Length - KeyRingEncryptor.NonceBytes - KeyRingEncryptor.TagBytes;
        var plaintext = new byte[Math.Max(length, 0)];
        try
        {
            using var aes = new AesGcm(key, KeyRingEncryptor.TagBytes);
            aes.Decrypt(blob.AsSpan(0, KeyRingEncryptor.NonceBytes), blob.AsSpan(KeyRingEncryptor.NonceBytes, plaintext.Length),
                blob.AsSpan(KeyRingEncryptor.NonceBytes + plaintext.Length), plaintext, Encoding.UTF8.GetBytes(id));
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new CryptographicException(
                $"{KeyEncryptionOptions.KeysKey}:{id} does not decrypt the Data Protection key-ring entry encrypted under that id: " +
                "is it the value the entry was written with?", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
