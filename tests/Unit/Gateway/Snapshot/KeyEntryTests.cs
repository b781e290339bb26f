using FrontierGateway.Data.Keys;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

public sealed class KeyEntryTests
{
    private const string Secret = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

    [Fact]
    public void Verify_TheSecretItWasHashedFrom_True()
    {
        var sut = new KeyEntry("prefix0123456789", KeySecrets.Hash(Secret), "grp_1", null);

        Assert.True(sut.Verify(Secret));
    }

    [Fact]
    public void Verify_ASecretOneCharacterOff_False()
    {
        var sut = new KeyEntry("prefix0123456789", KeySecrets.Hash(Secret), "grp_1", null);

        Assert.False(sut.Verify(Secret[..^1] + "E"));
    }

    [Fact]
    public void SecretHash_Constructed_IsTheHashItWasGiven()
    {
        var hash = KeySecrets.Hash(Secret);

        var sut = new KeyEntry("prefix0123456789", hash, "grp_1", null);

        Assert.Equal(hash, sut.SecretHash.ToArray());
    }

    [Fact]
    public void Constructor_AHashOfAnotherLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => new KeyEntry("prefix0123456789", new byte[31], "grp_1", null));
    }

    [Fact]
    public void IsExpired_NoExpiry_FalseAtAnyTime()
    {
        var sut = new KeyEntry("prefix0123456789", KeySecrets.Hash(Secret), "grp_1", null);

        Assert.Null(sut.ExpiresAt);
        Assert.False(sut.IsExpired(DateTime.MaxValue.AddTicks(-1)));
    }

    [Fact]
    public void IsExpired_AtAndAfterTheExpiry_TrueAndFalseBefore()
    {
        var expiry = new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);

        var sut = new KeyEntry("prefix0123456789", KeySecrets.Hash(Secret), "grp_1", expiry);

        Assert.Equal(expiry, sut.ExpiresAt);
        Assert.False(sut.IsExpired(expiry.AddTicks(-1)));
        Assert.True(sut.IsExpired(expiry));
        Assert.True(sut.IsExpired(expiry.AddDays(1)));
    }
}
