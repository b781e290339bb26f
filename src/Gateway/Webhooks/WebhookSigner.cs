using System.Security.Cryptography;
using System.Text;

namespace FrontierGateway.Gateway.Webhooks;

/// <summary><c>X-Baseten-Signature</c>: one <c>v1=&lt;hex HMAC-SHA256(raw body, secret)&gt;</c> per active secret.</summary>
public static class WebhookSigner
{
    public static string Sign(byte[] body, IEnumerable<string> secrets) =>
        string.Join(",", secrets.Select(secret =>
            "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body))));
}
