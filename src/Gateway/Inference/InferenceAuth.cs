using System.Diagnostics.CodeAnalysis;
using FrontierGateway.Data.Keys;
using FrontierGateway.Gateway.Snapshot;
using FrontierGateway.Gateway.Wire;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Gateway.Inference;

/// <summary>Finds the caller of an inference request in the snapshot: no database on the request path.</summary>
internal static class InferenceAuth
{
    /// <summary>The presented key's entry and its group; false when the key is missing, wrong, expired or orphaned.</summary>
    public static bool TryAuthenticate(HttpRequest request, GatewaySnapshot snapshot, DateTime now,
        [NotNullWhen(true)] out KeyEntry? key, [NotNullWhen(true)] out GroupPolicy? group)
    {
        group = null;
        if (ApiKeyHeader.Read(request) is not { } presented
            || !KeySecrets.TrySplit(presented, out var prefix, out var secret)
            || !snapshot.Keys.TryGetValue(prefix, out key)
            || !key.Verify(secret)
            || key.IsExpired(now))
        {
            key = null;
            return false;
        }
        return snapshot.Groups.TryGetValue(key.GroupId, out group);
    }
}
