using FrontierGateway.Data.Keys;
using FrontierGateway.Gateway.Inference;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>
/// The keys' table as the request path uses it: after keys are minted, revoked and reach their expiry, with the
/// changes pending or folded in, every presented key authenticates as it does against a table built from scratch.
/// </summary>
public sealed class KeyTableTests
{
    private static readonly DateTime Now = new(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void With_RandomMintsAndRevokesPastTheFold_AuthenticatesAsARebuiltTable()
    {
        var random = new Random(11);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        var live = Enumerable.Range(0, 300).Select(_ => Mint(random, secrets)).ToDictionary(k => k.Prefix, StringComparer.Ordinal);
        var sut = SnapshotTable<KeyEntry>.From(live);
        var folded = false;

        for (var step = 0; step < 400; step++)
        {
            var minted = Enumerable.Range(0, random.Next(3)).Select(_ => Mint(random, secrets)).ToList();
            var revoked = live.Keys.OrderBy(_ => random.Next()).Take(random.Next(2)).ToList();
            var pending = sut.PendingCount;
            sut = sut.With(minted.Select(k => KeyValuePair.Create(k.Prefix, k)), revoked);
            folded |= sut.PendingCount < pending;
            minted.ForEach(k => live[k.Prefix] = k);
            revoked.ForEach(p => live.Remove(p));

            var rebuilt = SnapshotTable<KeyEntry>.From(live);
            Assert.Equal(rebuilt.Count, sut.Count);
            // Every key ever minted, with its secret and with a wrong one: revoked ones must fail, expired ones too.
            foreach (var (prefix, secret) in secrets)
            {
                Assert.Equal(Authenticate(rebuilt, $"{prefix}.{secret}"), Authenticate(sut, $"{prefix}.{secret}"));
                Assert.Null(Authenticate(sut, $"{prefix}.{secret[..^1]}#"));
            }
        }
        Assert.True(folded, "the pending changes were never folded into the frozen table");
        Assert.Contains(secrets, s => Authenticate(sut, $"{s.Key}.{s.Value}") is not null);
        Assert.Contains(live.Values, k => k.IsExpired(Now));
    }

    /// <summary>The group id the key authenticates as, or null when it is refused.</summary>
    private static string? Authenticate(SnapshotTable<KeyEntry> keys, string presented)
    {
        var snapshot = GatewaySnapshot.Empty with { Keys = keys, Groups = Groups };
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + presented;
        return InferenceAuth.TryAuthenticate(context.Request, snapshot, Now, out var key, out _) ? key.GroupId : null;
    }

    private static readonly SnapshotTable<GroupPolicy> Groups = SnapshotTable<GroupPolicy>.From(
        Enumerable.Range(0, 5).Select(i => KeyValuePair.Create($"grp_{i}",
            new GroupPolicy($"grp_{i}", $"ext-{i}", [], $"grp_{i}"))));

    /// <summary>A new key: one in five expired by <see cref="Now"/>, one in five expiring later, the rest never.</summary>
    private static KeyEntry Mint(Random random, Dictionary<string, string> secrets)
    {
        var (prefix, secret) = KeySecrets.NewKey();
        secrets[prefix] = secret;
        DateTime? expiry = random.Next(5) switch
        {
            0 => Now.AddMinutes(-random.Next(1, 60)),
            1 => Now.AddMinutes(random.Next(1, 60)),
            _ => null,
        };
        return new KeyEntry(prefix, KeySecrets.Hash(secret), $"grp_{random.Next(5)}", expiry);
    }
}
