using FrontierGateway.Data.Keys;

namespace FrontierGateway.Tests.Unit.Data;

public sealed class KeySecretsTests
{
    [Fact]
    public void NewKey_PrefixAndSecret_HaveTheContractLengthsAndDiffer()
    {
        var keys = Enumerable.Range(0, 200).Select(_ => KeySecrets.NewKey()).ToList();

        Assert.All(keys, k => Assert.Equal(16, k.Prefix.Length));
        Assert.All(keys, k => Assert.True(k.Secret.Length >= 32));
        Assert.Equal(200, keys.Select(k => k.Prefix).Distinct().Count());
        Assert.Equal(200, keys.Select(k => k.Secret).Distinct().Count());
    }

    [Fact]
    public void Verify_RightAndWrongSecret_OnlyRightMatches()
    {
        var (_, secret) = KeySecrets.NewKey();
        var sut = KeySecrets.Hash(secret);

        Assert.True(KeySecrets.Verify(secret, sut));
        Assert.False(KeySecrets.Verify(secret[..^1] + (secret[^1] == 'a' ? 'b' : 'a'), sut));
        Assert.DoesNotContain(secret, Convert.ToHexString(sut), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("short.secret")]
    [InlineData("abcdefghijklmnop")]
    [InlineData("abcdefghijklmno.0123456789012345678901234567890123")]
    public void TrySplit_NotTheKeyFormat_False(string key) => Assert.False(KeySecrets.TrySplit(key, out _, out _));

    [Fact]
    public void TrySplit_MintedKey_GivesPrefixAndSecret()
    {
        var (prefix, secret) = KeySecrets.NewKey();

        Assert.True(KeySecrets.TrySplit($"{prefix}.{secret}", out var p, out var s));
        Assert.Equal((prefix, secret), (p, s));
    }
}
