using FrontierGateway.Data.Keys;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

public sealed record Caller(KeyEntry Key, GroupPolicy Group);

/// <summary>Finds the caller of an inference request in the snapshot: no database on the request path.</summary>
internal static class InferenceAuth
{
    public static Caller? Authenticate(HttpRequest request, GatewaySnapshot snapshot, DateTime now)
    {
        if (ApiKeyHeader.Read(request) is not { } presented
            || !KeySecrets.TrySplit(presented, out var prefix, out var secret)
            || !snapshot.Keys.TryGetValue(prefix, out var key)
            || !KeySecrets.Verify(secret, key.SecretHash)
            || key.ExpiresAt <= now
            || !snapshot.Groups.TryGetValue(key.GroupId, out var group))
        {
            return null;
        }
        return new Caller(key, group);
    }
}
