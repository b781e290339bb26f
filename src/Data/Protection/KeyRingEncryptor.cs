using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace FrontierGateway.Data.Protection;

/// <summary>
/// Encrypts a key-ring entry's secret (<c>&lt;masterKey&gt;</c>) with the current key-encryption key, AES-256-GCM:
/// <c>&lt;encryptedKey kek="id"&gt;base64(nonce ‖ ciphertext ‖ tag)&lt;/encryptedKey&gt;</c>, the id bound in as
/// associated data so that a blob cannot be relabelled. Data Protection calls it through
/// <c>KeyManagementOptions.XmlEncryptor</c> and stores the result in place of the plaintext.
/// </summary>
internal sealed class KeyRingEncryptor(KeyEncryptionOptions options) : IXmlEncryptor
{
    internal const string ElementName = "encryptedKey";
    internal const string KekAttribute = "kek";
    internal const int NonceBytes = 12;
    internal const int TagBytes = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var id = options.CurrentId;
        var key = options.Find(id)!;
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var blob = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = blob.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Encrypt(nonce, plaintext, blob.AsSpan(NonceBytes, plaintext.Length), blob.AsSpan(NonceBytes + plaintext.Length),
                Encoding.UTF8.GetBytes(id));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            CryptographicOperations.ZeroMemory(key);
        }
        var element = new XElement(ElementName, new XAttribute(KekAttribute, id), Convert.ToBase64String(blob));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }
}
