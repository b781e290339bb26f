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

    /// <summary>
    /// <see cref="TryAuthenticate"/>, and while the host's first whole read still runs (<see cref="SnapshotStore.IsWarming"/>),
    /// again after reading a presented key the snapshot lacks from the database. The snapshot checked, for the call.
    /// </summary>
    public static async ValueTask<Authenticated> AuthenticateAsync(HttpRequest request, SnapshotStore snapshots, DateTime now,
        CancellationToken ct)
    {
        // Warming first, then the snapshot (see KeyAuthenticationMiddleware).
        var warming = snapshots.IsWarming;
        var snapshot = snapshots.Current;
        if (TryAuthenticate(request, snapshot, now, out var key, out var group))
        {
            return new(snapshot, key, group);
        }
        if (warming && ApiKeyHeader.Read(request) is { } presented && KeySecrets.TrySplit(presented, out var prefix, out _))
        {
            if (await snapshots.WarmAsync(prefix, ct) is not { } warmed)
            {
                return new(snapshot, null, null, Unavailable: true);
            }
            if (TryAuthenticate(request, warmed, now, out key, out group))
            {
                return new(warmed, key, group);
            }
        }
        return new(snapshot, null, null);
    }
}

/// <summary>
/// The snapshot a call was checked against, and its key and group when it presented a live key; unavailable when the
/// key had to be read from the database (the host is starting) and could not be.
/// </summary>
internal readonly record struct Authenticated(GatewaySnapshot Snapshot, KeyEntry? Key, GroupPolicy? Group, bool Unavailable = false);
