using FrontierGateway.Data;

namespace FrontierGateway.Tests.Unit.Data;

public sealed class IdsTests
{
    [Fact]
    public void New_IsThePrefixAndALowerCaseUlid_DistinctAndTimeOrdered()
    {
        var first = Ids.New("req");
        Thread.Sleep(2); // a later millisecond: ULIDs order by time first
        var second = Ids.New("req");

        Assert.Matches("^req_[0-9a-hjkmnp-tv-z]{26}$", first);
        Assert.Matches("^req_[0-9a-hjkmnp-tv-z]{26}$", second);
        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.Equal(Ulid.Parse(first[4..].ToUpperInvariant()).Time.ToUnixTimeMilliseconds(),
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), tolerance: 5000);
    }
}
