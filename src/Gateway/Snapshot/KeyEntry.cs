using System.Runtime.CompilerServices;
using FrontierGateway.Data.Keys;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>A customer key as the request path checks it: its prefix, the hash of its secret, its group and expiry.</summary>
/// <remarks>
/// A million of these live in the snapshot, so the entry is one object of 72 bytes: the hash inline (a separate
/// <c>byte[]</c> costs 56 bytes and a reference), the expiry as a plain <see cref="DateTime"/> (a nullable one pads to
/// 16 bytes), and a group id that the loader shares among the group's keys instead of one string per key.
/// </remarks>
public sealed class KeyEntry
{
    private readonly Sha256 secretHash;

    /// <summary><see cref="DateTime.MaxValue"/> for a key that does not expire.</summary>
    private readonly DateTime expiresAt;

    public KeyEntry(string prefix, ReadOnlySpan<byte> secretHash, string groupId, DateTime? expiresAt)
    {
        if (secretHash.Length != Sha256.Length)
        {
            throw new ArgumentException($"A key's secret hash is {Sha256.Length} bytes, not {secretHash.Length}.", nameof(secretHash));
        }
        Prefix = prefix;
        secretHash.CopyTo(this.secretHash);
        GroupId = groupId;
        this.expiresAt = expiresAt ?? DateTime.MaxValue;
    }

    public string Prefix { get; }

    public string GroupId { get; }

    public DateTime? ExpiresAt => expiresAt == DateTime.MaxValue ? null : expiresAt;

    public ReadOnlySpan<byte> SecretHash => secretHash;

    /// <summary>Whether <paramref name="secret"/> is this key's (compared in constant time).</summary>
    public bool Verify(ReadOnlySpan<char> secret) => KeySecrets.Verify(secret, secretHash);

    public bool IsExpired(DateTime now) => expiresAt <= now;

    /// <summary>Whether this entry says what a row with these values says (its prefix being this one's).</summary>
    public bool Matches(ReadOnlySpan<byte> secretHash, string groupId, DateTime? expiresAt) =>
        this.expiresAt == (expiresAt ?? DateTime.MaxValue) && string.Equals(GroupId, groupId, StringComparison.Ordinal)
        && secretHash.SequenceEqual(this.secretHash);

    /// <summary>A SHA-256 held inline in its entry.</summary>
    [InlineArray(Length)]
    private struct Sha256
    {
        public const int Length = 32;

        private byte first;
    }
}
